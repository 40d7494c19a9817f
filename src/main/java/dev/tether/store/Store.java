package dev.tether.store;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The storage SPI: transactions over a small, batch-first interface. A backend that passes the
 * conformance suite is a backend.
 */
public interface Store extends AutoCloseable {

    /** Work inside one transaction. It may run more than once (see {@link #write}), so it must not act outside. */
    @FunctionalInterface
    interface Work<T, R> {
        R apply(T tx);
    }

    <R> R read(Work<ReadTx, R> work);

    /**
     * Runs the work in one write transaction and commits it. Each statement sees what was committed before it (READ
     * COMMITTED on PostgreSQL; SQLite runs one writer at a time): the work locks what it decides on before it reads
     * it, in the one lock order (DECISIONS.md, "Concurrency: one lock order"), so a concurrent write is a wait. Where
     * the database still refuses it for a conflict (a lock taken out of order was held, a deadlock, a unique
     * violation), the work runs again from the start, counted, a few times before giving up.
     */
    <R> R write(Work<WriteTx, R> work);

    /** {@link #write} for work that answers nothing. */
    default void change(Consumer<WriteTx> work) {
        write(tx -> {
            work.accept(tx);
            return Boolean.TRUE;
        });
    }

    /**
     * Read-only SQL over the whole database, for the operator's tools (the invariant checker): never on a
     * request's path.
     */
    Inspection inspection();

    /**
     * Shows this store's connection pools (connections active, idle, pending, the maximum) and its transaction
     * retries in the registry, read when it is scraped.
     */
    void instrument(MeterRegistry registry);

    /** Whether the database answers now. */
    boolean isAvailable();

    /**
     * How many statements this store has sent to the database since it opened; a JDBC batch counts as one
     * (one round trip on PostgreSQL). What "set-based" is measured by.
     */
    long statementCount();

    /**
     * Brings the query planner's statistics up to date where the backend does not do it by itself: SQLite's
     * {@code PRAGMA optimize}, which analyzes only the tables whose size has changed a lot since their last
     * analysis, with a bound on the work; nothing on PostgreSQL, whose autovacuum analyzes tables as they grow.
     * Run every hour by the server and when the store closes (DECISIONS.md, "Statistics").
     */
    void refreshStatistics();

    /**
     * Analyzes the tables that have grown since their last statistics by as many rows as they held then, where the
     * backend would otherwise plan with the old ones until its own upkeep comes round (PostgreSQL: a fresh
     * database's first minutes); the tables analyzed. Cheap when there is nothing to do; run every few seconds by
     * the server (DECISIONS.md, "Query plans and statistics").
     */
    List<String> analyzeGrownTables();

    /**
     * Hash-partitions the account data by account_id into this many partitions, each account's rows in one of them
     * (PostgreSQL; DECISIONS.md, "Partitioned by account"): the tables whose key starts with account_id become
     * partitioned tables with the same columns, keys and indexes, their rows copied over in one transaction. A table
     * already partitioned stays as it is. {@link IllegalStateException} on SQLite, whose one file has
     * nothing to partition; {@link IllegalArgumentException} for a count outside 2 to {@value #MAX_PARTITIONS}.
     * Answers how many tables it partitioned now (none when they all were already).
     */
    int partitionByAccount(int partitions);

    /**
     * Copies the live database to this file while writes go on (SQLite's online backup, one step: the copy is the
     * database as of one moment), written beside it under a temporary name, synced, then renamed into place, so the
     * file is whole or absent; {@code serve} and {@code check} open it as it is. Answers its size in bytes.
     * {@link IllegalStateException} on PostgreSQL, which is backed up with its own tools (pg_basebackup, WAL
     * archiving; docs/API.md, "Backups").
     */
    long backupTo(Path file);

    /** The most partitions {@link #partitionByAccount} makes of a table. */
    int MAX_PARTITIONS = 1024;

    /** A short name for logs: "sqlite" or "postgresql". */
    String backendName();

    /**
     * How many write transactions run at once, each holding a connection while it waits for a row lock: the writers'
     * pool where writers lock rows and run at once (PostgreSQL); empty where one writer runs at a time (SQLite).
     */
    OptionalInt concurrentWriters();

    /** How long a transaction waits for a connection before it answers that the database is busy. */
    Duration connectionWait();

    @Override
    void close();
}
