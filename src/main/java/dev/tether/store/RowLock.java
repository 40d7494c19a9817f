package dev.tether.store;

/**
 * How a read in a write takes the row locks of what it reads. A write locks what it decides on before it reads it, in
 * one order (the account, then the keys it may change, then the profiles, then the outbox; each group sorted), and
 * waits for each lock: no cycle of waits can form. A lock it finds it needs only after it took later ones in that
 * order is taken without waiting, and one that is held makes the write run again, counted (DECISIONS.md,
 * "Concurrency: one lock order"). Outside a write, and on SQLite's one writer, nothing is locked either way.
 */
public enum RowLock {
    /** Locked, waiting as long as another transaction holds a row: taken in the one order. */
    IN_ORDER,
    /** Locked without waiting: a row another transaction holds fails the transaction as a conflict. */
    OUT_OF_ORDER,
    /**
     * Locked shared, in the order, waiting: for a key the unit only follows to its profile (an event's user), which no
     * other write may bind or end meanwhile, while writes that only follow it too go on.
     */
    SHARED,
    /** Locked shared without waiting: a row another transaction holds for itself fails the transaction. */
    SHARED_OUT_OF_ORDER,
    /** Not locked: read to learn what to lock. */
    NONE;

    /** Whether the lock is taken without waiting, out of the one order. */
    boolean outOfOrder() {
        return this == OUT_OF_ORDER || this == SHARED_OUT_OF_ORDER;
    }
}
