package dev.tether.store;

/** What the statements of a write transaction see of concurrent writes (PostgreSQL; SQLite runs one writer). */
public enum Isolation {
    /** One snapshot for the whole transaction (REPEATABLE READ): every write but the one kind below. */
    SNAPSHOT,
    /**
     * Each statement sees what was committed before it began (READ COMMITTED). Only for a batch of events whose users
     * are named by key: its profile data is only the active bindings of those keys, read in one statement, and the
     * profiles they lead to, locked and checked to be still live ({@link ProfileReads#lock}); a user nobody holds
     * gets a new profile, whose binding the unique index of active bindings guards. Two such writes that lock one
     * profile then wait for each other instead of one failing its snapshot and running again (DECISIONS.md, "Event
     * batches run in READ COMMITTED").
     */
    LATEST_COMMITTED
}
