package dev.tether.store;

/**
 * A point in a write transaction to go back to: the statements after it are undone and the row locks they took are
 * given up, while those taken before it stay held. A write that found, after its locks, that what it had read to
 * choose them changed meanwhile goes back and takes them again, in the one order, instead of running again whole
 * (DECISIONS.md, "Concurrency: one lock order"). Where nothing is locked (a read, SQLite) there is nothing to undo.
 */
public interface Savepoint {
    /** Nothing to go back to: where nothing is locked, or a write that locks nothing it would need to go back on. */
    Savepoint NONE = () -> { };

    /** Undoes everything since the savepoint; it can be gone back to once. */
    void rollback();
}
