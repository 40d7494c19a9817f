package dev.tether.store;

import dev.tether.identity.IdentityKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Identity bindings and the rows of their keys, as read. Every lookup takes a set of keys, not one key. */
public interface BindingReads {
    /**
     * The active bindings of the given keys, by key; keys nobody holds are absent. One statement, so at one moment.
     * It locks nothing: a write that may change these bindings has locked their keys first ({@link #lockKeys}).
     */
    Map<IdentityKey, ActiveBinding> active(String accountId, Collection<IdentityKey> keys);

    /**
     * In a write, locks the rows of these keys until the transaction ends, making the missing ones (keys nobody ever
     * held), in the one order of keys (kind, then value); out of the order ({@link RowLock#outOfOrder}), a row another
     * transaction holds fails the transaction as a conflict. Returns the rows as locked: who holds each key now, and
     * when its history last changed (absent: where rows are not locked, SQLite's one writer, whose flush makes them).
     */
    Map<IdentityKey, KeyRow> lockKeys(String accountId, Collection<IdentityKey> keys, RowLock lock);

    /**
     * {@link #lockKeys}, with the keys of {@code followed} (those not among {@code keys}) locked shared in the same
     * pass and order: keys the unit follows to a profile (an event's user) and that no other write may bind or end
     * until it ends, while writes that only follow them too go on. A row made for a key of {@code meant} is made as
     * that row (what the unit means it to be at its end, so that its flush need not write it again) and comes back
     * as made; other rows made name nobody and have not changed.
     */
    Map<IdentityKey, KeyRow> lockKeys(String accountId, Collection<IdentityKey> keys,
                                      Collection<IdentityKey> followed, Map<IdentityKey, KeyRow> meant, RowLock lock);

    /** Every active binding held by the given profiles. */
    List<ActiveBinding> activeOf(String accountId, Collection<String> guids);

    /** Every binding an identity value ever had, newest first. */
    List<HistoryEntry> history(String accountId, IdentityKey key);

    /** Every binding each of these values ever had, newest first: one statement per kind. */
    Map<IdentityKey, List<HistoryEntry>> histories(String accountId, Collection<IdentityKey> keys);

    /** Every binding a profile ever held (merged away, demerged or still active), newest first. */
    List<HistoryEntry> historyOf(String accountId, String guid);
}
