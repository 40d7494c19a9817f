package dev.tether.store;

import dev.tether.identity.IdentityKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Identity bindings, as read. Every lookup takes a set of keys: one statement per kind, not one per key. */
public interface BindingReads {
    /** The active bindings of the given keys, by key; keys nobody holds are absent. Locked in a write. */
    Map<IdentityKey, ActiveBinding> active(String accountId, Collection<IdentityKey> keys);

    /**
     * {@link #active}, unlocked in a write too, and read in one statement, so at one moment even in
     * {@link Isolation#LATEST_COMMITTED}: for keys a unit only follows to their profile and never binds or ends (an
     * event's user). The profiles they name are locked and checked by {@link ProfileReads#lock}.
     */
    Map<IdentityKey, ActiveBinding> activeUnlocked(String accountId, Collection<IdentityKey> keys);

    /** Every active binding held by the given profiles. */
    List<ActiveBinding> activeOf(String accountId, Collection<String> guids);

    /** Every binding an identity value ever had, newest first. */
    List<HistoryEntry> history(String accountId, IdentityKey key);

    /** Every binding each of these values ever had, newest first: one statement per kind. */
    Map<IdentityKey, List<HistoryEntry>> histories(String accountId, Collection<IdentityKey> keys);

    /** Every binding a profile ever held (merged away, demerged or still active), newest first. */
    List<HistoryEntry> historyOf(String accountId, String guid);
}
