package dev.tether.access;

import dev.tether.account.Account;
import dev.tether.audit.Attribution;
import dev.tether.account.BlockedValues;
import dev.tether.account.AccountIds;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.Passcodes;
import dev.tether.account.Scope;
import dev.tether.account.UnknownAccountException;
import dev.tether.store.AccountCredentials;
import dev.tether.store.AuditWrites;
import dev.tether.store.PasscodeEntry;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts and their passcodes: creation, settings, listing, authentication and revocation. Each call is its own
 * unit of work: account administration never shares a transaction with a request's profile work.
 */
public final class AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);
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
        NewPasscode first = NewPasscode.named(Passcodes.hint(passcode));
        store.change(tx -> {
            tx.accounts().insert(account);
            tx.accounts().insertPasscode(account.id(), Passcodes.hash(passcode), first.entry(passcode, now));
            audit(tx.audit(), account.id(), "tether account create (passcode " + first.describe(passcode) + ")", now);
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
            List<String> changed = current.changesTo(updated);
            if (!changed.isEmpty()) {
                tx.accounts().update(updated);
                audit(tx.audit(), accountId, "tether account update (" + String.join(", ", changed) + ")",
                        clock.instant().getEpochSecond());
            }
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

    /** Adds a passcode with everything it may do, named by its hint, and returns it; it is shown only this once. */
    public String addPasscode(String accountId) {
        return addPasscode(accountId, NewPasscode.ALL);
    }

    /** Adds a passcode to an existing account and returns it; it is shown only this once. */
    public String addPasscode(String accountId, NewPasscode spec) {
        long now = clock.instant().getEpochSecond();
        if (Passcodes.expired(spec.expiresAt(), now)) {
            throw new IllegalArgumentException("the passcode would have expired already: give a later day");
        }
        String passcode = Passcodes.newPasscode();
        store.change(tx -> {
            requireAccount(tx, accountId);
            tx.accounts().insertPasscode(accountId, Passcodes.hash(passcode), spec.entry(passcode, now));
            audit(tx.audit(), accountId, "tether passcode add (" + spec.describe(passcode) + ")", now);
        });
        return passcode;
    }

    /** Revokes a passcode; whether it was active and is now revoked. */
    public boolean revokePasscode(String accountId, String passcode) {
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            requireAccount(tx, accountId);
            boolean revoked = tx.accounts().revokePasscode(accountId, Passcodes.hash(passcode), now);
            if (revoked) {
                audit(tx.audit(), accountId, "tether passcode revoke (hint " + Passcodes.hint(passcode) + ")", now);
            }
            return revoked;
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
            boolean revoked = active == 1 && tx.accounts().revokePasscodesByHint(accountId, hint, now) == 1;
            if (revoked) {
                audit(tx.audit(), accountId, "tether passcode revoke (hint " + hint + ")", now);
            }
            return revoked;
        });
    }

    /** The audit entry of a command's change, in its transaction (docs/API.md section 20, "Audit trail"). */
    private static void audit(AuditWrites trail, String accountId, String action, long at) {
        trail.insert(accountId, Attribution.commandEntry(action, at));
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
    public enum Verdict { OK, UNKNOWN_ACCOUNT, BAD_PASSCODE, EXPIRED }

    /** The account the credentials name and, when they are good, the passcode they matched. */
    public record Authentication(Verdict verdict, Optional<Account> account,
                                 Optional<AccountCredentials.Credential> passcode) {
        /** Who the request comes from, when the credentials are good. */
        public Optional<Caller> caller() {
            return passcode.map(p -> new Caller(p.name(), p.scopes()));
        }
    }

    /** Who a request comes from: the name and the scopes of its passcode. */
    public record Caller(String name, Set<Scope> scopes) {
    }

    /**
     * Checks an account id and passcode against the database, on every call: a revocation counts at once, and so does
     * an expiry. Writes nothing: a request let in notes its passcode's use after ({@link #noteUse}).
     */
    public Authentication authenticate(Optional<String> accountId, Optional<String> passcode) {
        if (accountId.isEmpty() || !AccountIds.isWellFormed(accountId.get().trim())) {
            return new Authentication(Verdict.UNKNOWN_ACCOUNT, Optional.empty(), Optional.empty());
        }
        String id = accountId.get().trim();
        Optional<AccountCredentials> found = store.read(tx -> tx.accounts().credentials(id));
        if (found.isEmpty()) {
            return new Authentication(Verdict.UNKNOWN_ACCOUNT, Optional.empty(), Optional.empty());
        }
        Optional<Account> account = Optional.of(found.get().account());
        Optional<AccountCredentials.Credential> matched = passcode.flatMap(p -> Passcodes.match(p.trim(),
                found.get().passcodes(), AccountCredentials.Credential::passcodeHash));
        if (matched.isEmpty()) {
            return new Authentication(Verdict.BAD_PASSCODE, account, Optional.empty());
        }
        if (Passcodes.expired(matched.get().expiresAt(), clock.instant().getEpochSecond())) {
            return new Authentication(Verdict.EXPIRED, account, Optional.empty());
        }
        return new Authentication(Verdict.OK, account, matched);
    }

    /**
     * Notes the day a request was let in with the passcode ({@code passcode list}'s last use): written by the day's
     * first request only, and a database that cannot take it now does not fail the request.
     */
    public void noteUse(Authentication let) {
        if (let.verdict() != Verdict.OK || let.account().isEmpty() || let.passcode().isEmpty()) {
            return;
        }
        AccountCredentials.Credential passcode = let.passcode().get();
        String accountId = let.account().get().id();
        long today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC)
                .toEpochSecond();
        if (passcode.lastUsedAt().filter(day -> day >= today).isPresent()) {
            return;
        }
        try {
            store.change(tx -> tx.accounts().markUsed(accountId, passcode.passcodeHash(), today));
        } catch (RuntimeException e) {
            LOG.warn("could not note the day's use of a passcode of account {}: {}", accountId, e.toString());
        }
    }
}
