package dev.tether.store;

/** What the statements of a write transaction see of concurrent writes (PostgreSQL; SQLite runs one writer). */
public enum Isolation {
    /** One snapshot for the whole transaction (REPEATABLE READ): every write but the one kind below. */
    SNAPSHOT,
    /**
     * Each statement sees what was committed before it began (READ COMMITTED). Only for work that reads nothing but
     * the active bindings of the keys it names, and locks the profiles they lead to, checking they are still live
     * ({@link ProfileReads#lock}): a batch of events of known users. Two such writes that lock one profile then wait
     * for each other instead of one failing its snapshot and running again (DECISIONS.md, "Event batches").
     */
    LATEST_COMMITTED
}
