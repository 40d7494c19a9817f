package dev.tether.store;

import dev.tether.account.Account;
import java.util.Optional;

/** Accounts and passcodes, written. */
public interface AccountWrites extends AccountReads {
    void insert(Account account);

    /**
     * The account as it is now, its row locked until the transaction ends, after every write that holds it shared
     * ({@link AccountReads#lockShared}): what a change of its settings decides on first.
     */
    Optional<Account> lockAlone(String accountId);

    /** Changes the settings of an existing account (identity kinds, conflict policy, name); its id and region stay. */
    void update(Account account);

    /** Stores a new passcode by its hash, with what is kept of it. */
    void insertPasscode(String accountId, String passcodeHash, PasscodeEntry entry);

    /** Notes that the passcode was used on the UTC day starting at {@code day}, unless that day is noted already. */
    void markUsed(String accountId, String passcodeHash, long day);

    /** Revokes the active passcodes whose hint is this one; returns how many. */
    int revokePasscodesByHint(String accountId, String hint, long at);

    /** Revokes the active passcode with that hash; whether there was one. */
    boolean revokePasscode(String accountId, String passcodeHash, long at);

    /**
     * The server key of this name that every server on the database shares: the stored one, or {@code candidate},
     * stored now, when there is none yet (the first server to ask makes it; a concurrent one reads it).
     */
    String sharedKey(String name, String candidate, long at);
}
