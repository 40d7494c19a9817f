package dev.tether.store;

import dev.tether.account.Account;
import java.util.List;
import java.util.Optional;

/** Accounts and passcodes, as read. */
public interface AccountReads {
    Optional<Account> find(String accountId);

    List<Account> list();

    /** The account and the hashes of its active passcodes, in one statement. */
    Optional<AccountCredentials> credentials(String accountId);

    /** Every passcode of the account, active and revoked, oldest first; never the passcode itself. */
    List<PasscodeEntry> passcodes(String accountId);
}
