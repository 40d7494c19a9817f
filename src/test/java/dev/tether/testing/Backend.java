package dev.tether.testing;

import dev.tether.store.Store;
import dev.tether.store.Stores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two real backends the suites run on. Each call of {@link #newDatabaseUrl()} gives an empty database:
 * a new SQLite file, or a new database on PostgreSQL (embedded, started once per test run, or the server
 * {@code TETHER_TEST_PG_URL} names).
 */
public enum Backend {
    SQLITE {
        @Override
        public String newDatabaseUrl() {
            return "jdbc:sqlite:" + ScratchDirs.create("tether-test-").resolve("tether.db");
        }

        @Override
        public AutoCloseable outage(String databaseUrl) throws SQLException {
            Connection locker = DriverManager.getConnection(databaseUrl);
            try (Statement statement = locker.createStatement()) {
                statement.execute("BEGIN EXCLUSIVE");
            }
            return () -> {
                try (locker; Statement statement = locker.createStatement()) {
                    statement.execute("ROLLBACK");
                }
            };
        }
    },
    POSTGRES {
        @Override
        public String newDatabaseUrl() {
            String name = "tether_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
            try (Connection admin = DriverManager.getConnection(Postgres.adminUrl());
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database " + name, e);
            }
            return Postgres.urlOf(name);
        }

        @Override
        public AutoCloseable outage(String databaseUrl) throws SQLException {
            String name = databaseUrl.replaceFirst("jdbc:postgresql://[^/]+/([^?]*).*", "$1");
            Connection admin = DriverManager.getConnection(Postgres.adminUrl());
            try (Statement statement = admin.createStatement()) {
                statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND pid <> pg_backend_pid()");
            }
            return () -> {
                try (admin; Statement statement = admin.createStatement()) {
                    statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
                }
            };
        }
    },
    /**
     * PostgreSQL with the account data hash-partitioned by account_id ({@code tether migrate --partitions}), each
     * account's rows in one of {@value #PARTITIONS} partitions: the shape Citus distributes.
     */
    POSTGRES_PARTITIONED {
        @Override
        public String newDatabaseUrl() {
            String url = POSTGRES.newDatabaseUrl();
            try (Store store = Stores.open(url, 2)) {
                store.partitionByAccount(PARTITIONS);
            }
            return url;
        }

        @Override
        public AutoCloseable outage(String databaseUrl) throws SQLException {
            return POSTGRES.outage(databaseUrl);
        }
    };

    /** The partitions of each account-keyed table in {@link #POSTGRES_PARTITIONED}. */
    public static final int PARTITIONS = 8;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    public abstract String newDatabaseUrl();

    /** Whether this is PostgreSQL, partitioned or not. */
    public boolean postgres() {
        return this != SQLITE;
    }

    /**
     * Makes the database refuse work until the returned handle is closed: on SQLite another connection holds
     * the write lock; on PostgreSQL the database takes no connections and its sessions are ended.
     */
    public abstract AutoCloseable outage(String databaseUrl) throws SQLException;

    /** The PostgreSQL server of this test run. */
    static final class Postgres {
        private static EmbeddedPostgres embedded;

        private Postgres() {
        }

        static synchronized String adminUrl() {
            String external = System.getenv("TETHER_TEST_PG_URL");
            if (external != null && !external.isBlank()) {
                return external;
            }
            if (embedded == null) {
                try {
                    embedded = EmbeddedPostgres.builder().start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(Postgres::stop));
            }
            return embedded.getJdbcUrl("postgres", "postgres");
        }

        static String urlOf(String database) {
            String admin = adminUrl();
            return admin.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        }

        private static void stop() {
            try {
                embedded.close();
            } catch (IOException ignored) {
                // the JVM is going away
            }
        }
    }
}
