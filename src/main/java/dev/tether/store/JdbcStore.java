package dev.tether.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A store on a JDBC database: transactions, retries on conflicts, and error translation. */
public final class JdbcStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final int MAX_ATTEMPTS = 12;

    private final Dialect dialect;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final List<HikariDataSource> pools;
    private final AtomicLong statements = new AtomicLong();
    private final OutageGate gate = new OutageGate();
    private final AtomicLong conflictRetries = new AtomicLong();
    private final AtomicLong brokenConnectionRetries = new AtomicLong();
    private final AtomicLong lockTimeouts = new AtomicLong();
    private final AtomicLong relocks = new AtomicLong();
    private final @Nullable StatementCache statementCache;

    JdbcStore(Dialect dialect, HikariDataSource writer, HikariDataSource reader) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.pools = writer == reader ? List.of(writer) : List.of(writer, reader);
        this.statementCache = dialect.driverKeepsPreparedStatements() ? null : new StatementCache();
    }

    @Override
    public void instrument(MeterRegistry registry) {
        FunctionCounter.builder("tether.storage.retries", conflictRetries, AtomicLong::get)
                .tag("reason", "conflict").description("Transactions run again after losing to a concurrent one")
                .register(registry);
        FunctionCounter.builder("tether.storage.retries", brokenConnectionRetries, AtomicLong::get)
                .tag("reason", "broken_connection")
                .description("Transactions run again after their connection broke before the commit")
                .register(registry);
        FunctionCounter.builder("tether.storage.relocks", relocks, AtomicLong::get)
                .description("Writes that went back to before their locks and took them again, in order, as what"
                        + " they had read to choose them had changed meanwhile")
                .register(registry);
        FunctionCounter.builder("tether.storage.lock.timeouts", lockTimeouts, AtomicLong::get)
                .description("Writes that waited for a row lock past the safety timeout, answered 503")
                .register(registry);
        for (HikariDataSource pool : pools) {
            String name = String.valueOf(pool.getPoolName());
            connections(registry, pool, name, "active", HikariPoolMXBean::getActiveConnections);
            connections(registry, pool, name, "idle", HikariPoolMXBean::getIdleConnections);
            connections(registry, pool, name, "pending", HikariPoolMXBean::getThreadsAwaitingConnection);
            Gauge.builder("tether.db.connections.max", pool, HikariDataSource::getMaximumPoolSize).tag("pool", name)
                    .description("Most connections the pool opens").register(registry);
        }
    }

    private static void connections(MeterRegistry registry, HikariDataSource pool, String name, String state,
                                    ToIntFunction<HikariPoolMXBean> read) {
        Gauge.builder("tether.db.connections", pool, source -> {
            HikariPoolMXBean bean = source.getHikariPoolMXBean();
            return bean == null ? 0 : read.applyAsInt(bean);
        }).tag("pool", name).tag("state", state)
                .description("Connections of the pool by state; pending counts requests waiting for one")
                .register(registry);
    }

    /** Brings the schema to the newest migration of this backend. */
    void migrate() {
        Flyway.configure()
                .dataSource(writer)
                .locations(dialect.migrations())
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    @Override
    public <R> R read(Work<ReadTx, R> work) {
        return withRetries(reader, false, work::apply);
    }

    @Override
    public <R> R write(Work<WriteTx, R> work) {
        return withRetries(writer, true, work::apply);
    }

    /**
     * Runs the transaction again on fresh reads when it lost to a concurrent one, or when its connection broke
     * before the commit was sent (the database rolled it back; the pool drops the broken connections). A
     * connection that breaks during the commit leaves the outcome unknown, and a pool that cannot connect has
     * already waited its timeout: neither is retried here.
     */
    private <R> R withRetries(HikariDataSource source, boolean writing, Work<JdbcTx, R> work) {
        boolean probe = gate.enter();
        try {
            R result = attempts(source, writing, work);
            gate.reached(probe);
            return result;
        } catch (StorageUnavailableException e) {
            if (e.unreachable()) {
                gate.unreachable(probe);
            } else {
                gate.reached(probe);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            gate.reached(probe);
            throw e;
        }
    }

    private <R> R attempts(HikariDataSource source, boolean writing, Work<JdbcTx, R> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(source, writing, work);
            } catch (SQLException e) {
                boolean broken = dialect.isBrokenConnection(e) && !(e instanceof CommitFailedException)
                        && !(e instanceof SQLTransientConnectionException);
                if (broken) {
                    source.getHikariPoolMXBean().softEvictConnections();
                }
                if (!(dialect.isConflict(e) || broken) || attempt == MAX_ATTEMPTS) {
                    throw translate(e);
                }
                (broken ? brokenConnectionRetries : conflictRetries).incrementAndGet();
                LOG.info("transaction runs again after {} (SQLState {}, attempt {}): {}",
                        broken ? "a broken connection" : "a conflict", e.getSQLState(), attempt + 1, e.getMessage());
                backOff(attempt);
            }
        }
    }

    /**
     * Runs the work on one connection: a transaction for writes, and for reads where the backend gives a
     * transaction's statements one snapshot; otherwise (reads on PostgreSQL) in autocommit.
     */
    private <R> R inTransaction(HikariDataSource source, boolean writable, Work<JdbcTx, R> work) throws SQLException {
        boolean transactional = writable || dialect.readsShareASnapshot();
        Connection connection = source.getConnection();
        boolean reusable = false;
        try {
            connection.setAutoCommit(!transactional);
            R result = work.apply(new JdbcTx(new Sql(connection, dialect, writable, statements, relocks,
                    statementCache)));
            if (transactional) {
                commit(connection);
            }
            reusable = true;
            return result;
        } catch (StorageException e) {
            reusable = !transactional || rolledBack(connection);
            throw e.sqlCause();
        } catch (RuntimeException e) {
            reusable = !transactional || rolledBack(connection);
            throw e;
        } catch (SQLException e) {
            reusable = !(e instanceof CommitFailedException) && (!transactional || rolledBack(connection));
            throw e;
        } finally {
            release(source, connection, reusable);
        }
    }

    private static void commit(Connection connection) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new CommitFailedException(e);
        }
    }

    /** Whether the rollback went through, leaving the connection fit for the next transaction. */
    private static boolean rolledBack(Connection connection) {
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Returns a connection to its pool, or drops it when a failure left it in a state nobody should inherit. */
    private static void release(HikariDataSource source, Connection connection, boolean reusable)
            throws SQLException {
        if (reusable) {
            connection.close();
        } else {
            source.evictConnection(connection);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep((long) (Math.random() * Math.min(200, 5L << attempt)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while retrying a transaction", e);
        }
    }

    private RuntimeException translate(SQLException e) {
        if (dialect.isLockNotAvailable(e)) {
            lockTimeouts.incrementAndGet();
            LOG.warn("a write waited for a row lock past the safety timeout: {}", e.getMessage());
        }
        if (dialect.isUnavailable(e)) {
            boolean unreachable = dialect.isBrokenConnection(e) || (e instanceof SQLTransientConnectionException
                    && e.getCause() instanceof SQLException cause && dialect.isBrokenConnection(cause));
            return new StorageUnavailableException("database unavailable: " + e.getMessage(), e, unreachable,
                    e instanceof CommitFailedException);
        }
        return new StorageException("database error: " + e.getMessage(), e);
    }

    @Override
    public OptionalInt concurrentWriters() {
        return dialect.lockRows().isEmpty() ? OptionalInt.empty() : OptionalInt.of(writer.getMaximumPoolSize());
    }

    @Override
    public Duration connectionWait() {
        return Duration.ofMillis(writer.getConnectionTimeout());
    }

    @Override
    public Inspection inspection() {
        return new Inspection() {
            @Override
            public List<List<String>> rows(String sql) {
                return read(tx -> ((JdbcTx) tx).sql().query(sql, s -> { }, row -> {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                        values.add(String.valueOf(row.getString(i)));
                    }
                    return values;
                }));
            }

            @Override
            public String propertyText(String column, String key) {
                return dialect.propertyText(column, key);
            }

            @Override
            public String backendName() {
                return dialect.name();
            }
        };
    }

    @Override
    public boolean isAvailable() {
        try (Connection connection = reader.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public long statementCount() {
        return statements.get();
    }

    @Override
    public String backendName() {
        return dialect.name();
    }

    @Override
    public void refreshStatistics() {
        Optional<String> upkeep = dialect.statisticsUpkeep();
        if (upkeep.isEmpty()) {
            return;
        }
        try (Connection connection = writer.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(upkeep.get());
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public List<String> analyzeGrownTables() {
        Optional<String> grown = dialect.grownTables();
        if (grown.isEmpty()) {
            return List.of();
        }
        List<String> analyzed = new ArrayList<>();
        try (Connection connection = writer.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(grown.get())) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                statement.execute(dialect.analyze(table));
                analyzed.add(table);
            }
        } catch (SQLException e) {
            throw translate(e);
        }
        return analyzed;
    }

    @Override
    public int partitionByAccount(int partitions) {
        if (partitions < 2 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be from 2 to " + MAX_PARTITIONS + ", not " + partitions);
        }
        String script = dialect.partitionByAccount().orElseThrow(() -> new IllegalStateException(
                "only PostgreSQL's tables are partitioned; SQLite keeps every account in its one file"));
        String partitioned = "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
                + " WHERE c.relnamespace = current_schema()::regnamespace";
        try (Connection connection = writer.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            int before = count(statement, partitioned);
            statement.execute(script.replace("{partitions}", Integer.toString(partitions)));
            int now = count(statement, partitioned) - before;
            connection.commit();
            return now;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public long backupTo(Path file) {
        Path temporary = file.toAbsolutePath().resolveSibling(file.getFileName() + ".tmp");
        try (Connection connection = reader.getConnection()) {
            if (!connection.isWrapperFor(SQLiteConnection.class)) {
                throw new IllegalStateException("PostgreSQL is backed up with its own tools, pg_basebackup and WAL"
                        + " archiving (docs/API.md, \"Backups\")");
            }
            Path database = Path.of(connection.unwrap(SQLiteConnection.class).getUrl()
                    .replaceFirst("^jdbc:sqlite:", "").replaceFirst("\\?.*$", ""));
            if (Files.exists(file) && Files.isSameFile(file, database)) {
                throw new IllegalStateException("the backup would replace the database itself: give another file");
            }
            Files.deleteIfExists(temporary);
            // every page in one step, under one read transaction: the copy is the database as of one moment, and
            // writers go on meanwhile (WAL); busy is retried every 100 ms, 100 times
            int result = connection.unwrap(SQLiteConnection.class).getDatabase()
                    .backup("main", temporary.toString(), null, 100, 100, -1);
            if (result != SQLiteErrorCode.SQLITE_OK.code) {
                throw new StorageUnavailableException("the backup stopped: SQLite result " + result, null);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            // a write-ahead log left beside an older file of that name would be replayed onto the new one
            for (String suffix : List.of("-wal", "-shm", "-journal")) {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return Files.size(file);
        } catch (SQLException e) {
            deleteQuietly(temporary);
            throw translate(e);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write the backup " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", file, e.getMessage());
        }
    }

    private static int count(Statement statement, String query) throws SQLException {
        try (ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Refreshes the statistics first, as SQLite advises before a long-lived connection closes; a failure is logged. */
    @Override
    public void close() {
        try {
            refreshStatistics();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the planner's statistics before closing failed: {}", e.getMessage());
        }
        pools.forEach(HikariDataSource::close);
    }
}
