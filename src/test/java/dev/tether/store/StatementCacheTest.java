package dev.tether.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.config.Limits;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * SQLite's statements kept prepared between transactions ({@link StatementCache}) hold no snapshot: every reader
 * connection sees the latest commit, and a checkpoint after the reads is not kept from any page.
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
}
