package dev.tether.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.config.Limits;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's statements kept prepared between transactions ({@link StatementCache}) hold no snapshot: every reader
 * connection sees the latest commit, and a checkpoint after the reads is not kept from any page; a statement is
 * prepared once, and the connections the pool closed are let go.
 */
class StatementCacheTest {
    @Test
    void keptStatements_seeTheLatestCommit_andLetACheckpointThrough() throws Exception {
        try (TestServer server = new TestServer(Backend.SQLITE.newDatabaseUrl(), Limits.defaults())) {
            TestServer.Client client = server.newAccount();
            for (int version = 1; version <= 5; version++) {
                assertThat(client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"kept\",\"profileData\":"
                        + "{\"Version\":" + version + "}}]}").status()).isEqualTo(200);
                // more reads than reader connections: each connection runs its kept statement again
                for (int read = 0; read < 12; read++) {
                    assertThat(client.get("/1/profile.json?identity=kept").json().at("/record/profileData/Version")
                            .asInt()).as("read %d after version %d", read, version).isEqualTo(version);
                }
            }
            try (Connection other = DriverManager.getConnection(server.databaseUrl());
                 Statement statement = other.createStatement();
                 ResultSet checkpoint = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                checkpoint.next();
                assertThat(checkpoint.getInt(1)).as("the checkpoint was not blocked by a reader").isZero();
                assertThat(checkpoint.getInt(2)).as("the WAL truncated, no reader on its pages").isZero();
            }
        }
    }

    @Test
    void aStatementIsPreparedOnce_resetWhenItsReaderFails_andClosedConnectionsAreForgotten(@TempDir Path dir)
            throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("cache.db");
        try (Connection setup = DriverManager.getConnection(url); Statement statement = setup.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("CREATE TABLE t (n INTEGER)");
            statement.execute("INSERT INTO t VALUES (1), (2), (3)");
        }
        StatementCache cache = new StatementCache();
        String select = "SELECT n FROM t ORDER BY n";
        try (Connection reader = DriverManager.getConnection(url); Connection writer = DriverManager.getConnection(url)) {
            reader.setAutoCommit(false);
            assertThat(cache.prepare(reader, select)).isSameAs(cache.prepare(reader, select));
            Sql sql = new Sql(reader, new SqliteDialect(), false, new AtomicLong(), new AtomicLong(), cache);
            assertThatThrownBy(() -> sql.query(select, s -> { }, row -> {
                if (row.getInt(1) == 2) {
                    throw new IllegalStateException("a reader that fails mid-way");
                }
                return row.getInt(1);
            })).isInstanceOf(IllegalStateException.class);
            reader.commit();
            try (Statement write = writer.createStatement()) {
                write.execute("INSERT INTO t VALUES (4)");
            }
            assertThat(sql.query(select, s -> { }, row -> row.getInt(1))).as("the kept statement sees the commit")
                    .containsExactly(1, 2, 3, 4);
            reader.commit();
            try (Statement write = writer.createStatement();
                 ResultSet checkpoint = write.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                checkpoint.next();
                assertThat(checkpoint.getInt(1)).as("no snapshot held by the kept statement").isZero();
            }
        }
        assertThat(cache.connections()).isEqualTo(1);
        try (Connection next = DriverManager.getConnection(url)) {
            cache.prepare(next, select);
            assertThat(cache.connections()).as("the closed connection forgotten when a new one came").isEqualTo(1);
        }
    }
}
