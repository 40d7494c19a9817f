package dev.tether.access;

import dev.tether.account.Account;
import dev.tether.account.BlockedValues;
import dev.tether.account.AccountIds;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.Passcodes;
import dev.tether.account.UnknownAccountException;
import dev.tether.store.AccountCredentials;
import dev.tether.store.PasscodeEntry;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Accounts and their passcodes: creation, settings, listing, authentication and revocation. Each call is its own
 * unit of work: account administration never shares a transaction with a request's profile work.
 */
public final class AccountService {
    private static final SecureRandom RANDOM = new SecureRandom();
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

    /** What may change on an existing account; an empty field stays as it is. */
    public record Settings(Optional<String> name, Optional<Boolean> emailIsIdentity, Optional<Boolean> phoneIsIdentity,
                           Optional<ConflictPolicy> conflictPolicy, Optional<BlockedValues> blockedValues,
                           Optional<Integer> maxMergesPerDay) {
        public Settings {
            if (maxMergesPerDay.filter(max -> max < 1).isPresent()) {
                throw new IllegalArgumentException("the merge limit is at least 1 a day, not " + maxMergesPerDay.get());
            }
        }

        /** The settings without the blocked values and the merge limit, which stay. */
        public Settings(Optional<String> name, Optional<Boolean> emailIsIdentity, Optional<Boolean> phoneIsIdentity,
                        Optional<ConflictPolicy> conflictPolicy) {
            this(name, emailIsIdentity, phoneIsIdentity, conflictPolicy, Optional.empty(), Optional.empty());
        }
    }

    public Created create(NewAccount spec) {
        long now = clock.instant().getEpochSecond();
        Account account = new Account(AccountIds.newId(), spec.name(), spec.region(), spec.emailIsIdentity(),
                spec.phoneIsIdentity(), spec.conflictPolicy(), now, BlockedValues.defaults(),
                Account.DEFAULT_MAX_MERGES_PER_DAY);
        String passcode = Passcodes.newPasscode();
        store.change(tx -> {
            tx.accounts().insert(account);
            tx.accounts().insertPasscode(account.id(), Passcodes.hash(passcode), Passcodes.hint(passcode), now);
        });
        return new Created(account, passcode);
    }

    /**
     * Changes an account's settings and returns the account as it is now. The name and the conflict policy may
     * change at any time. Whether Email and Phone are identities may change only before the account's first
     * profile: turned on later, the profiles' properties of that name would mirror no binding; turned off later,
     * the kind's active bindings would stay with no way to cut them (a disassociation answers 542).
     */
    public Account update(String accountId, Settings settings) {
        return store.write(tx -> {
            // alone: the writes of the account that began before this change end first, and none begins until it
            // commits, so none runs on the settings it replaces and the profiles counted below are all there are
            Account current = tx.accounts().lockAlone(accountId)
                    .orElseThrow(() -> new UnknownAccountException(accountId));
            boolean kindsChange = settings.emailIsIdentity().filter(on -> on != current.emailIsIdentity()).isPresent()
                    || settings.phoneIsIdentity().filter(on -> on != current.phoneIsIdentity()).isPresent();
            if (kindsChange && tx.profiles().any(accountId)) {
                throw new IllegalArgumentException("account " + accountId + " has profiles: whether Email and Phone"
                        + " are identities can change only before the first profile is uploaded");
            }
            Account updated = new Account(current.id(), settings.name().orElse(current.name()), current.region(),
                    settings.emailIsIdentity().orElse(current.emailIsIdentity()),
                    settings.phoneIsIdentity().orElse(current.phoneIsIdentity()),
                    settings.conflictPolicy().orElse(current.conflictPolicy()), current.createdAt(),
                    settings.blockedValues().orElse(current.blockedValues()),
                    settings.maxMergesPerDay().orElse(current.maxMergesPerDay()));
            tx.accounts().update(updated);
            return updated;
        });
    }

    public List<Account> list() {
        return store.read(tx -> tx.accounts().list());
    }

    public Optional<Account> find(String accountId) {
        return store.read(tx -> tx.accounts().find(accountId));
    }

    /** The account's passcodes by hint, active and revoked; the passcodes themselves are never kept. */
    public List<PasscodeEntry> passcodes(String accountId) {
        return store.read(tx -> {
            requireAccount(tx, accountId);
            return tx.accounts().passcodes(accountId);
        });
    }

    /** Adds a passcode to an existing account and returns it; it is shown only this once. */
    public String addPasscode(String accountId) {
        long now = clock.instant().getEpochSecond();
        String passcode = Passcodes.newPasscode();
        store.change(tx -> {
            requireAccount(tx, accountId);
            tx.accounts().insertPasscode(accountId, Passcodes.hash(passcode), Passcodes.hint(passcode), now);
        });
        return passcode;
    }

    /** Revokes a passcode; whether it was active and is now revoked. */
    public boolean revokePasscode(String accountId, String passcode) {
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            requireAccount(tx, accountId);
            return tx.accounts().revokePasscode(accountId, Passcodes.hash(passcode), now);
        });
    }

    /**
     * Revokes the one active passcode with this hint (a lost passcode is known by its hint only, from
     * {@link #passcodes}); false when there is none. Two active passcodes sharing a hint are refused rather than
     * both revoked.
     */
    public boolean revokePasscodeByHint(String accountId, String hint) {
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            requireAccount(tx, accountId);
            long active = tx.accounts().passcodes(accountId).stream()
                    .filter(p -> p.hint().equals(hint) && p.revokedAt().isEmpty()).count();
            if (active > 1) {
                throw new IllegalArgumentException(active + " active passcodes have the hint " + hint
                        + ": revoke with --passcode");
            }
            return active == 1 && tx.accounts().revokePasscodesByHint(accountId, hint, now) == 1;
        });
    }

    private static Account requireAccount(ReadTx tx, String accountId) {
        return tx.accounts().find(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
    }

    /**
     * The secret key of this name that every server on the database shares (it signs export cursors): made once, by
     * the first server that asks, from 32 random bytes, and read by the others.
     */
    public byte[] sharedKey(String name) {
        byte[] candidate = new byte[32];
        RANDOM.nextBytes(candidate);
        String stored = store.write(tx -> tx.accounts().sharedKey(name,
                Base64.getEncoder().encodeToString(candidate), clock.instant().getEpochSecond()));
        return Base64.getDecoder().decode(stored);
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
        Optional<AccountCredentials> found = store.read(tx -> tx.accounts().credentials(accountId.get().trim()));
        if (found.isEmpty()) {
            return new Authentication(Verdict.UNKNOWN_ACCOUNT, Optional.empty());
        }
        boolean matches = passcode.map(p -> Passcodes.matchesAny(p.trim(), found.get().passcodeHashes()))
                .orElse(false);
        return new Authentication(matches ? Verdict.OK : Verdict.BAD_PASSCODE, Optional.of(found.get().account()));
    }
}
