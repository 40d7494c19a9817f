package dev.tether.account;

import dev.tether.store.AccountCredentials;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Accounts and their passcodes: creation, listing, authentication and revocation. */
public final class AccountService {
    private final Store store;
    private final Clock clock;

    public AccountService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** An account as created, with the one passcode that is never shown again. */
    public record Created(Account account, String passcode) {
    }

    public record NewAccount(String name, String region, boolean emailIsIdentity, boolean phoneIsIdentity,
                             ConflictPolicy conflictPolicy) {
    }

    public Created create(NewAccount spec) {
        long now = clock.instant().getEpochSecond();
        Account account = new Account(AccountIds.newId(), spec.name(), spec.region(), spec.emailIsIdentity(),
                spec.phoneIsIdentity(), spec.conflictPolicy(), now);
        String passcode = Passcodes.newPasscode();
        store.write(tx -> {
            tx.insertAccount(account);
            tx.insertPasscode(account.id(), Passcodes.hash(passcode), Passcodes.hint(passcode), now);
            return null;
        });
        return new Created(account, passcode);
    }

    public List<Account> list() {
        return store.read(tx -> tx.listAccounts());
    }

    public Optional<Account> find(String accountId) {
        return store.read(tx -> tx.findAccount(accountId));
    }

    /** Adds a passcode to an existing account and returns it; it is shown only this once. */
    public String addPasscode(String accountId) {
        long now = clock.instant().getEpochSecond();
        String passcode = Passcodes.newPasscode();
        store.write(tx -> {
            tx.findAccount(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            tx.insertPasscode(accountId, Passcodes.hash(passcode), Passcodes.hint(passcode), now);
            return null;
        });
        return passcode;
    }

    /** @return whether the passcode was active and is now revoked */
    public boolean revokePasscode(String accountId, String passcode) {
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            tx.findAccount(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            return tx.revokePasscode(accountId, Passcodes.hash(passcode), now);
        });
    }

    /** The outcome of presenting credentials. */
    public enum Verdict { OK, UNKNOWN_ACCOUNT, BAD_PASSCODE }

    public record Authentication(Verdict verdict, Optional<Account> account) {
    }

    /** Checks an account id and passcode against the database, on every call: a revocation counts at once. */
    public Authentication authenticate(Optional<String> accountId, Optional<String> passcode) {
        if (accountId.isEmpty() || !AccountIds.isWellFormed(accountId.get().trim())) {
            return new Authentication(Verdict.UNKNOWN_ACCOUNT, Optional.empty());
        }
        Optional<AccountCredentials> found = store.read(tx -> tx.credentials(accountId.get().trim()));
        if (found.isEmpty()) {
            return new Authentication(Verdict.UNKNOWN_ACCOUNT, Optional.empty());
        }
        boolean matches = passcode.map(p -> Passcodes.matchesAny(p.trim(), found.get().passcodeHashes()))
                .orElse(false);
        return new Authentication(matches ? Verdict.OK : Verdict.BAD_PASSCODE, Optional.of(found.get().account()));
    }
}
