package dev.tether.account;

/** An account id that no account has. */
public class UnknownAccountException extends RuntimeException {
    public UnknownAccountException(String accountId) {
        super("no account with id " + accountId);
    }
}
