package dev.tether.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/** The few places where the SQL of the two backends differs, and how each names its errors. */
interface Dialect {
    /** SQLSTATE 40001, serialization failure: what a conflict the store finds by itself is reported as. */
    String CONFLICT_STATE = "40001";

    /** A condition "column is one of the values", with exactly one placeholder bound by {@link #bindList}. */
    String inList(String column);

    void bindList(PreparedStatement statement, int index, Collection<String> values) throws SQLException;

    /**
     * A table of identity key rows, named {@code listed}, from four lists bound by {@link #bindList} at its four
     * placeholders (kinds, values, holders, last changes as decimal text; a null holder is SQL's NULL): columns
     * {@code kind}, {@code value}, {@code guid}, {@code changed_at}, and {@code position}, each row's place in the
     * lists (ascending).
     */
    String listedKeyRows();

    /**
     * A query that tries to take a lock held until the transaction ends, named by two ints, and answers whether it
     * got it; empty where writers never run at once (SQLite's one writer holds everything already).
     */
    Optional<String> tryTransactionLock();

    /**
     * Appended to a SELECT of rows a transaction takes for itself (a work queue): locks them and leaves out the ones
     * another transaction holds, instead of waiting for them (locking the rows of {@code table}, an alias); nothing where one writer holds everything anyway.
     */
    String lockRowsSkippingLocked(String table);

    /**
     * A query that waits for a lock held until the transaction ends, named by two ints; empty where one writer
     * holds everything already.
     */
    Optional<String> transactionLock();

    /**
     * The expression, kept from constraining an index where the planner needs telling (SQLite's unary {@code +},
     * its documented way); the expression itself elsewhere.
     */
    String notIndexed(String expression);

    /**
     * The statement that refreshes the planner's statistics where the backend leaves it to the application (run
     * hourly and at close), or empty where the database keeps them by itself.
     */
    Optional<String> statisticsUpkeep();

    /**
     * A query of the tables whose statistics have fallen behind their growth (one column, the table's name), where
     * the database would otherwise plan with them until its own upkeep comes round; empty where the backend needs
     * no such check. Bound: the smallest number of changed rows that counts.
     */
    Optional<String> grownTables();

    /**
     * The script that hash-partitions the account data by account_id, with {@code {partitions}} for the count;
     * empty where the backend has no partitions.
     */
    Optional<String> partitionByAccount();

    /** The statement that gathers one table's statistics without waiting for a lock another one holds. */
    String analyze(String table);

    /**
     * What names one row of a table in a statement that deletes the rows a subquery picks by their key: SQLite's
     * rowid, which its planner always reaches directly (with the key columns, it scanned the table once it had
     * statistics on a few rows), and the key columns elsewhere. {@code qualifier} is an alias with its dot, or "".
     */
    String rowKey(String qualifier, String... keyColumns);

    /** A query of the next number of a database sequence; empty where the backend has none. */
    Optional<String> nextval(String sequence);

    /** Appended to a SELECT of rows a write transaction decides on: row locks where the backend has them. */
    String lockRows();


    /**
     * Appended to a locking clause, for a lock taken out of the one order (DECISIONS.md, "Concurrency: one lock
     * order"): it is not waited for, and a row another transaction holds fails the statement
     * ({@link #isLockNotAvailable}).
     */
    String noWait();

    /** Appended to a SELECT of rows that writers share and one writer changes alone (the account, a followed key). */
    String lockRowsShared();

    /** The column in the order of its UTF-8 bytes, the order in which rows are locked by it (Java sorts the same). */
    String byteOrder(String column);

    /** A lock was not available: taken without waiting, or waited for past the lock timeout. */
    boolean isLockNotAvailable(SQLException e);

    /** An expression of the properties column with one key removed; one placeholder, bound by {@link #propertyArgument}. */
    String propertiesWithoutKey();

    String propertyArgument(String key);

    /** The text of one top-level property of the properties column, or NULL; the key is a fixed name. */
    String propertyText(String column, String key);

    /** The larger of two BIGINT expressions. */
    String greatest(String a, String b);

    /** Whether a read transaction gives its statements one snapshot; if not, reads run in autocommit. */
    boolean readsShareASnapshot();

    /**
     * Whether the driver keeps statements prepared by itself (PostgreSQL's, after a statement's fifth run); where it
     * does not, the store keeps them ({@link StatementCache}).
     */
    boolean driverKeepsPreparedStatements();

    /** Another transaction got there first: run the work again on fresh reads. */
    boolean isConflict(SQLException e);

    /** The connection is gone (the server ended it, the network dropped): another connection may work. */
    boolean isBrokenConnection(SQLException e);

    /** The database cannot be reached or stayed busy: answer 503. */
    boolean isUnavailable(SQLException e);

    String migrations();

    String name();
}
