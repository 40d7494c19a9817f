package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.StatementLog;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /1/profile.json} reads the profile in one statement, one round trip to the database, whatever it names
 * and whatever the profile holds (identities of every kind, events, subscriptions, profiles merged into it), after
 * the one statement of every request's authentication (docs/DECISIONS.md, "A profile read is one statement").
 */
abstract class ProfileReadContract extends ServerContract {
    private final List<String> statements = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopListening() {
        StatementLog.stop();
    }

    /**
     * The statements the store runs for the request besides its authentication (the server's own background threads
     * are named tether-*).
     */
    private ApiResponse read(TestServer.Client client, String query) {
        statements.clear();
        StatementLog.listen(statement -> {
            if (!Thread.currentThread().getName().startsWith("tether-")) {
                statements.add(statement.sql());
            }
        });
        try {
            return client.get("/1/profile.json?" + query);
        } finally {
            StatementLog.stop();
            assertThat(statements).as("the request's first statement authenticates it").isNotEmpty();
            assertThat(statements.remove(0)).contains("FROM accounts a");
        }
    }

    private JsonNode record(TestServer.Client client, String query) {
        ApiResponse response = read(client, query);
        assertThat(response.status()).as(query + ": " + response.body()).isEqualTo(200);
        assertThat(statements).as("the statements of a read by " + query).hasSize(1);
        return response.json().get("record");
    }

    @Test
    void aProfileRead_isOneStatement_byEveryLookup_withEverythingTheRecordShows() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        merging.post("/1/upload", batch(profile("identity", "anna", "{\"Name\":\"Anna\",\"Email\":\"shared@x.co\"}"),
                event("identity", "anna", "Viewed", "{}")));
        String anna = record(merging, "identity=anna").get("objectId").asText();
        merging.post("/1/upload", batch(profile("identity", "bob", "{\"Phone\":\"+14155550100\",\"Tier\":\"gold\"}"),
                event("identity", "bob", "Charged", "{\"Amount\":3}"), event("identity", "bob", "Charged", "{}")));
        merging.post("/1/upload", batch(profile("identity", "bob", "{\"Email\":\"shared@x.co\"}")));
        merging.post("/1/subscribe", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550100\",\"status\":\"Unsubscribe\"},"
                + "{\"type\":\"email\",\"value\":\"shared@x.co\",\"status\":\"Resubscribe\"}]}");

        JsonNode bob = record(merging, "phone=%2B14155550100");
        String bobGuid = bob.get("objectId").asText();
        assertThat(bob.get("identities")).hasSize(3);
        assertThat(bob.get("events").get("Charged").get("count").asInt()).isEqualTo(2);
        assertThat(bob.get("events").get("Viewed").get("count").asInt()).as("anna's event, merged").isEqualTo(1);
        assertThat(bob.get("subscriptions").toString())
                .isEqualTo("{\"phone\":\"Unsubscribe\",\"email\":\"Resubscribe\"}");
        assertThat(bob.get("profileData").get("Tier").asText()).isEqualTo("gold");
        for (String query : List.of("identity=bob", "email=shared@x.co", "objectId=" + bobGuid,
                "objectId=" + anna)) {
            assertThat(record(merging, query)).as(query).isEqualTo(bob);
        }

        assertThat(read(merging, "identity=nobody").status()).isEqualTo(404);
        assertThat(statements).as("a read of nobody").hasSize(1);
        assertThat(read(merging, "phone=not-a-number").status()).isEqualTo(404);
        assertThat(statements).as("a value that names no key reads nothing").isEmpty();
    }

    @Test
    void anAddressThatIsNoIdentity_showsItsSubscription_inTheSameStatement() {
        TestServer.Client plain = server.newAccount(false, false, ConflictPolicy.REJECT);
        plain.post("/1/upload", batch(profile("identity", "cara", "{\"Phone\":\"+14155550101\",\"Email\":\"c@x.co\"}")));
        plain.post("/1/subscribe", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550101\",\"status\":\"Unsubscribe\"}]}");
        JsonNode cara = record(plain, "identity=cara");
        assertThat(cara.get("phone").asText()).isEqualTo("+14155550101");
        assertThat(cara.get("subscriptions").toString()).isEqualTo("{\"phone\":\"Unsubscribe\"}");
    }

    /**
     * The read and the identity core resolve a lookup by one rule ({@code Holders}): the first key whose binding names
     * a profile that exists, followed along its merges. On data a broken store could hold (a binding whose profile is
     * gone, one that names a merged profile) the profile an upload changes is the one a read shows. Before, the read
     * took the first bound key whatever its profile and answered 404, and the upload changed the merged profile.
     */
    @Test
    void theReadAndTheCore_resolveALookupAlike_whenABindingsProfileIsGoneOrMerged() throws Exception {
        TestServer.Client client = server.newAccount(true, true, ConflictPolicy.REJECT);
        client.post("/1/upload", batch(profile("identity", "anna", "{\"Email\":\"x@example.com\"}")));
        String anna = record(client, "identity=anna").get("objectId").asText();
        try (Connection sql = DriverManager.getConnection(server.databaseUrl())) {
            insert(sql, "INSERT INTO profiles (account_id, guid, properties, created_at, updated_at, merged_into)"
                    + " VALUES (?, 'merged-1', '{}', 1, 1, ?)", client.accountId(), anna);
            for (String[] binding : List.of(new String[] {"b-ghost", "x@example.com", "ghost"},
                    new String[] {"b-merged", "m1", "merged-1"})) {
                insert(sql, "INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at,"
                        + " start_reason) VALUES (?, ?, 'Identity', ?, ?, 1, 'uploaded')", client.accountId(),
                        binding[0], binding[1], binding[2]);
            }
        }
        assertThat(record(client, "identity=x@example.com").get("objectId").asText())
                .as("the Identity binding's profile is gone: the Email binding names anna").isEqualTo(anna);
        assertThat(record(client, "identity=m1").get("objectId").asText()).as("merged-1 answers with anna")
                .isEqualTo(anna);
        client.post("/1/upload", batch(profile("identity", "x@example.com", "{\"Tier\":\"gold\"}"),
                profile("identity", "m1", "{\"Plan\":\"b\"}")));
        JsonNode now = record(client, "identity=anna");
        assertThat(now.get("profileData").get("Tier").asText()).as("the upload changed the profile the read shows")
                .isEqualTo("gold");
        assertThat(now.get("profileData").get("Plan").asText()).isEqualTo("b");
    }

    private static void insert(Connection sql, String statement, String... values) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                insert.setString(i + 1, values[i]);
            }
            insert.executeUpdate();
        }
    }
}
