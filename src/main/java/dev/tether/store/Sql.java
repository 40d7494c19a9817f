package dev.tether.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Statements on one connection of one transaction, counted: what every role of the store runs its SQL through.
 * A JDBC batch counts as one statement (one round trip on PostgreSQL).
 */
final class Sql {
    /** Rows a streamed query fetches at a time. */
    private static final int STREAM_FETCH_SIZE = 1000;
    /**
     * A text parameter SQLite plans once: bare, SQLite prepared the profile read again at every run (DECISIONS.md,
     * "Parameters SQLite plans once"). Bind it with {@code setString} only: a number cast to text compares as text.
     */
    static final String TEXT = "CAST(? AS TEXT)";

    private final Connection connection;
    private final Dialect dialect;
    private final boolean writable;
    private final AtomicLong statements;
    private final AtomicLong relocks;

    private final @Nullable StatementCache cache;

    Sql(Connection connection, Dialect dialect, boolean writable, AtomicLong statements, AtomicLong relocks,
        @Nullable StatementCache cache) {
        this.connection = connection;
        this.dialect = dialect;
        this.writable = writable;
        this.statements = statements;
        this.relocks = relocks;
        this.cache = cache;
    }

    /** A savepoint where row locks are real ({@link #locksRows}); elsewhere one with nothing to undo. */
    Savepoint savepoint() {
        if (!locksRows()) {
            return Savepoint.NONE;
        }
        try {
            statements.incrementAndGet();
            java.sql.Savepoint point = connection.setSavepoint();
            return () -> {
                try {
                    statements.incrementAndGet();
                    relocks.incrementAndGet();
                    connection.rollback(point);
                } catch (SQLException e) {
                    throw new StorageException("rollback to a savepoint failed", e);
                }
            };
        } catch (SQLException e) {
            throw new StorageException("a savepoint failed", e);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    /** Appended to a SELECT whose rows a write builds on: row locks where the backend has them, in writes only. */
    String lockRows() {
        return writable ? dialect.lockRows() : "";
    }

    /**
     * {@link #lockRows} in the order of a column, so that every writer takes the locks in one order; nothing where
     * no rows are locked, so that the order does not steer the planner away from the statement's index. Out of
     * order ({@link RowLock#OUT_OF_ORDER}), a lock another transaction holds fails the statement as a conflict.
     */
    String lockRowsInOrder(String column, RowLock lock) {
        String clause = switch (lock) {
            case NONE -> "";
            case OUT_OF_ORDER -> dialect.lockRows() + dialect.noWait();
            case SHARED -> dialect.lockRowsShared();
            case SHARED_OUT_OF_ORDER -> dialect.lockRowsShared() + dialect.noWait();
            case IN_ORDER -> dialect.lockRows();
        };
        clause = writable ? clause : "";
        return clause.isEmpty() ? "" : " ORDER BY " + column + clause;
    }

    /** Whether this transaction's row locks are real: a write where writers run at once (PostgreSQL). */
    boolean locksRows() {
        return !lockRows().isEmpty();
    }

    String lockRowsInOrder(String column) {
        return lockRowsInOrder(column, RowLock.IN_ORDER);
    }

    /** Appended to a SELECT of the row every writer shares (the account's): a shared lock, in writes only. */
    String lockRowShared() {
        return writable ? dialect.lockRowsShared() : "";
    }

    /**
     * A query that locks rows: a lock taken without waiting ({@link RowLock#OUT_OF_ORDER}) that another transaction holds
     * fails it as a conflict (SQLSTATE 40001), so the transaction runs again, counted, instead of waiting out of the
     * one lock order; a lock waited for past the safety timeout stays what it is (the database is too busy: 503).
     */
    <T> List<T> lock(String sql, RowLock lock, Binder binder, RowReader<T> reader) {
        try {
            return query(sql, binder, reader);
        } catch (StorageException e) {
            if (lock.outOfOrder() && dialect.isLockNotAvailable(e.sqlCause())) {
                throw new StorageException("a row locked out of order is held by another transaction: " + sql,
                        new SQLException("a row locked out of order was held: " + sql, Dialect.CONFLICT_STATE,
                                e.sqlCause()));
            }
            throw e;
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    interface ItemBinder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    /**
     * The rows of a query, all read before it returns. On SQLite the statement is kept for the next run of the same
     * SQL on this connection ({@link StatementCache}): a reader must not run that same SQL while it reads.
     */
    <T> List<T> query(String sql, Binder binder, RowReader<T> reader) {
        if (cache != null) {
            try {
                return rows(sql, cache.prepare(connection, sql), binder, reader);
            } catch (SQLException e) {
                cache.discard(connection, sql);
                throw new StorageException("query failed: " + sql, e);
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            return rows(sql, statement, binder, reader);
        } catch (SQLException e) {
            throw new StorageException("query failed: " + sql, e);
        }
    }

    private <T> List<T> rows(String sql, PreparedStatement statement, Binder binder, RowReader<T> reader)
            throws SQLException {
        bind(sql, statement, binder);
        List<T> rows = new ArrayList<>();
        statements.incrementAndGet();
        try (ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next()) {
                rows.add(reader.read(resultSet));
            }
        }
        return rows;
    }

    /**
     * A query whose rows go to the consumer one by one as the database sends them, {@value #STREAM_FETCH_SIZE} at a
     * time, so that nothing holds the whole result: on PostgreSQL in a transaction of its own, rolled back at the
     * end, when the connection is in autocommit (the driver fetches by cursor only inside one).
     */
    <T> void stream(String sql, Binder binder, RowReader<T> reader, Consumer<T> consumer) {
        boolean own;
        try {
            own = connection.getAutoCommit();
            if (own) {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw new StorageException("query failed: " + sql, e);
        }
        boolean read = false;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(sql, statement, binder);
            statement.setFetchSize(STREAM_FETCH_SIZE);
            statements.incrementAndGet();
            try (ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    consumer.accept(reader.read(resultSet));
                }
            }
            read = true;
        } catch (SQLException e) {
            throw new StorageException("query failed: " + sql, e);
        } finally {
            if (own) {
                endOwnTransaction(sql, read);
            }
        }
    }

    /** Ends a streamed query's own transaction; a failure here is reported only when nothing else failed first. */
    private void endOwnTransaction(String sql, boolean reportFailure) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (reportFailure) {
                throw new StorageException("query failed: " + sql, e);
            }
        }
    }

    int update(String sql, Binder binder) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(sql, statement, binder);
            statements.incrementAndGet();
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("update failed: " + sql, e);
        }
    }

    <T> void batch(String sql, Collection<T> items, ItemBinder<T> binder) {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            boolean first = true;
            for (T item : items) {
                if (first) {
                    bind(sql, statement, s -> binder.bind(s, item));
                    first = false;
                } else {
                    binder.bind(statement, item);
                }
                statement.addBatch();
            }
            statements.incrementAndGet();
            statement.executeBatch();
        } catch (SQLException e) {
            SQLException cause = e.getNextException() != null && dialect.isConflict(e.getNextException())
                    ? e.getNextException() : e;
            throw new StorageException("batch failed: " + sql, cause);
        }
    }

    /** Binds the values; with the statement log on, notes them and tells it the statement (a batch: its first item). */
    private static void bind(String sql, PreparedStatement statement, Binder binder) throws SQLException {
        if (!StatementLog.isOn()) {
            binder.bind(statement);
            return;
        }
        Map<Integer, @Nullable Object> values = new HashMap<>();
        binder.bind(StatementLog.noting(statement, values));
        StatementLog.ran(sql, values);
    }

    /**
     * The end time of a binding, bound as one parameter: never before its start, so a history interval never runs
     * backwards when clocks of several servers disagree (DECISIONS.md, "Time in the identity history").
     */
    String endTime() {
        return dialect.greatest("?", "started_at");
    }
}
