package dev.tether.store;

import dev.tether.account.Account;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import java.util.Collection;

/** The writes of one transaction. Each takes a whole batch and is one JDBC batch or one statement. */
public interface WriteTx extends ReadTx {
    void insertAccount(Account account);

    void insertPasscode(String accountId, String passcodeHash, String hint, long at);

    /** @return whether an active passcode with that hash was revoked */
    boolean revokePasscode(String accountId, String passcodeHash, long at);

    void insertProfiles(String accountId, Collection<StoredProfile> profiles);

    void updateProfiles(String accountId, Collection<StoredProfile> profiles);

    void insertBindings(String accountId, Collection<NewBinding> bindings);

    void endBindings(String accountId, Collection<EndedBinding> bindings);

    /**
     * Ends the active bindings of these identities at one time for one reason, set-based: one statement per kind,
     * found through the index of active bindings rather than by binding id (what a disassociation needs).
     */
    void endActiveBindings(String accountId, Collection<IdentityKey> keys, long at, BindingReason reason);

    void insertEvents(String accountId, Collection<NewEvent> events);

    /** Removes one property key from the given profiles, set-based. */
    void removeProperty(String accountId, Collection<String> guids, String key, long at);

    /** Moves every event of one profile to another (a merge). */
    void moveEvents(String accountId, String fromGuid, String toGuid);

    /** Marks a profile as merged into another; it is no longer found by its own GUID. */
    void markMerged(String accountId, String guid, String intoGuid, long at);

    /**
     * Deletes profiles with their events. Their bindings end (reason {@code deleted}) and every binding they
     * ever had forgets its GUID, so the history keeps the values and dates but no longer the person.
     */
    void deleteProfiles(String accountId, Collection<String> guids, long at);
}
