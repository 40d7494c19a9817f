package dev.tether.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens the store a JDBC URL names, migrated to the newest schema. */
public final class Stores {
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
    private static final int SQLITE_READERS = 4;
    private static final int BUSY_TIMEOUT_MS = 10_000;
    /**
     * How long a PostgreSQL statement waits for a row lock: far longer than any write holds one (they wait for each
     * other in the one lock order, never in a cycle), so reaching it means the database is stuck, and the write
     * answers 503.
     */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Page cache per connection, outside the Java heap. SQLite's default (2 MiB) holds the upper levels of
     * the indexes of a few hundred thousand profiles; the writer touches every index of every table, so it
     * gets more. Measured with ./tether bench at 1,000,000 profiles: the in-process load went from 36,800 to
     * 42,800 records/s; the HTTP rows moved within run-to-run noise.
     */
    private static final int WRITER_CACHE_KIB = 64 * 1024;
    private static final int READER_CACHE_KIB = 16 * 1024;
    /**
     * Pages the WAL may hold before the commit that passes it copies them into the database file (SQLite's
     * default: 1000). That checkpoint runs inside the committing request, and a batch of 1000 events at random
     * profiles of a big account changes about as many index pages, so every event batch paid one with its two
     * fsyncs. Measured in-process at 1,000,000 profiles and 10,000,000 events, 4 clients: events 18% faster on
     * average, new profiles too (DECISIONS.md, "Storage"). The WAL file grows to about 40 MB.
     */
    private static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;

    private Stores() {
    }

    /** SQLite at {@code <dataDir>/tether.db} when no URL is given, else the database the URL names. */
    public static String urlFor(Path dataDir, String jdbcUrl) {
        if (jdbcUrl != null && !jdbcUrl.isBlank()) {
            return jdbcUrl;
        }
        return "jdbc:sqlite:" + dataDir.resolve("tether.db");
    }

    public static Store open(String jdbcUrl, int poolSize) {
        JdbcStore store;
        try {
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                store = openSqlite(jdbcUrl);
            } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
                store = openPostgres(jdbcUrl, poolSize);
            } else {
                throw new IllegalArgumentException("unsupported database URL (expected jdbc:sqlite: or jdbc:postgresql:): "
                        + jdbcUrl);
            }
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StorageUnavailableException("cannot open database " + redacted(jdbcUrl) + ": "
                    + cause.getMessage(), e);
        }
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        // SQLite's advice for a long-lived connection: optimize as it opens (then hourly and at close); a database
        // that cannot be analyzed now (read-only, busy, full) still opens and serves
        try {
            store.refreshStatistics();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the planner's statistics on opening failed: {}", e.getMessage());
        }
        return store;
    }

    private static JdbcStore openSqlite(String jdbcUrl) {
        Path file = Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
        if (file.getParent() != null) {
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data folder " + file.getParent(), e);
            }
        }
        HikariDataSource writer = sqlitePool(jdbcUrl, "sqlite-writer", 1, SQLiteConfig.TransactionMode.IMMEDIATE,
                WRITER_CACHE_KIB);
        HikariDataSource reader = sqlitePool(jdbcUrl, "sqlite-reader", SQLITE_READERS,
                SQLiteConfig.TransactionMode.DEFERRED, READER_CACHE_KIB);
        return new JdbcStore(new SqliteDialect(), writer, reader);
    }

    /** One writer (IMMEDIATE transactions take the write lock at BEGIN), several readers; WAL with full sync. */
    private static HikariDataSource sqlitePool(String url, String name, int size, SQLiteConfig.TransactionMode mode,
                                               int cacheKib) {
        SQLiteConfig config = new SQLiteConfig();
        config.setCacheSize(-cacheKib);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(WAL_AUTOCHECKPOINT_PAGES));
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(mode);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(source);
        pool.setPoolName(name);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(30_000);
        return new HikariDataSource(pool);
    }

    private static JdbcStore openPostgres(String jdbcUrl, int poolSize) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setPoolName("postgresql");
        pool.setMaximumPoolSize(poolSize);
        // how long a transaction waits for a connection; once it times out on a database that is down, the
        // others answer 503 at once (OutageGate) rather than each waiting as long
        pool.setConnectionTimeout(3_000);
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Writes lock what they decide on before they read it, in one order, so each statement may see the latest
        // commits (DECISIONS.md, "Concurrency: one lock order"); reads run in autocommit, one statement each. A lock
        // waited for longer than LOCK_TIMEOUT is not flow control but a safety net: the write answers 503, counted.
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool.setConnectionInitSql("SET lock_timeout = '" + LOCK_TIMEOUT.toMillis() + "ms'");
        pool.addDataSourceProperty("connectTimeout", "5");
        HikariDataSource source = new HikariDataSource(pool);
        return new JdbcStore(new PostgresDialect(), source, source);
    }

    /** The URL without a password, for messages. */
    public static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
