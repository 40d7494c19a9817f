package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.WebhookReceiver;
import dev.tether.config.Limits;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tether command as a user runs it: serve with its demo account, account and passcode commands, errors. */
class TetherCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Optional<String> value(List<String> lines, String label) {
        return lines.stream().filter(l -> l.trim().startsWith(label)).map(l -> l.trim().substring(label.length())
                .trim().split("\\s+")[0]).findFirst();
    }

    private static ApiResponse get(int port, String path, String account, String passcode) {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path));
        if (account != null) {
            request.header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode);
        }
        return TestServer.send(request.GET());
    }

    @Test
    void serve_firstStart_printsADemoAccountWhoseCurlWorks_andStopsCleanlyOnSigterm() throws Exception {
        try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--data", "data")) {
            int port = server.awaitReady();
            assertThat(get(port, "/health", null, null).body()).isEqualTo("{\"status\":\"ok\"}");
            List<String> out = server.lines();
            String account = value(out, "account id:").orElseThrow();
            String passcode = value(out, "passcode:").orElseThrow();
            String curl = out.stream().filter(l -> l.trim().startsWith("curl ")).findFirst().orElseThrow()
;
            String run = Programs.output(dir, List.of("bash", "-c", curl));
            assertThat(JSON.readTree(run).get("status").asText()).isEqualTo("success");
            assertThat(get(port, "/1/profile.json?identity=user-42", account, passcode).status()).isEqualTo(200);
            int exit = server.terminate();
            assertThat(server.lines()).as("exit " + exit).anyMatch(l -> l.contains("tether stopped"));
            assertThat(exit).as("a clean stop exits 0").isZero();
        }
        assertThat(dir.resolve("data/tether.db")).exists();
    }

    @Test
    void sigterm_letsTheRequestInFlightFinish_andItsWriteIsKept() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("data/tether.db");
        try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--data", "data")) {
            int port = server.awaitReady();
            List<String> out = server.lines();
            String account = value(out, "account id:").orElseThrow();
            String passcode = value(out, "passcode:").orElseThrow();
            HttpRequest.Builder upload = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + "/1/upload"))
                    .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"d\":[{\"type\":\"profile\",\"identity\":\"in-flight\",\"profileData\":{}}]}"));
            CompletableFuture<ApiResponse> answer;
            // the upload waits for the write lock that this connection holds: once a server thread is in its unit of
            // work, the request is in flight for sure; the lock is released only once the server is stopping
            try (AutoCloseable lock = Backend.SQLITE.outage(url)) {
                answer = CompletableFuture.supplyAsync(() -> TestServer.send(upload));
                server.awaitThreadIn("dev.tether.work.Transactions.write");
                server.signalTerm();
                server.awaitLine("tether stopping");
            }
            ApiResponse response = answer.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("status").asText()).isEqualTo("success");
            server.awaitExit();
            assertThat(server.lines()).anyMatch(l -> l.contains("tether stopped"));
        }
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT count(*) FROM identity_bindings WHERE value = 'in-flight' AND ended_at IS NULL")) {
            row.next();
            assertThat(row.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void accountCreateJson_whileTheServerRuns_isOneJsonObject_andItsPasscodeWorks() throws Exception {
        try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--data", "data")) {
            int port = server.awaitReady();
            try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", "Shop", "--json",
                    "--data", "data", "--identities", "identity,email")) {
                assertThat(create.awaitExit()).isZero();
                List<String> out = create.lines().stream().filter(l -> !l.isBlank()).toList();
                assertThat(out).hasSize(1);
                JsonNode created = JSON.readTree(out.get(0));
                assertThat(created.get("accountId").asText()).matches("[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{4}");
                assertThat(created.get("region").asText()).isEqualTo("local");
                assertThat(created.get("identities").toString()).isEqualTo("[\"identity\",\"email\"]");
                String id = created.get("accountId").asText();
                String passcode = created.get("passcode").asText();
                assertThat(get(port, "/1/profile.json?identity=x", id, passcode).status()).isEqualTo(404);

                try (TetherProcess revoke = TetherProcess.start(dir, "passcode", "revoke", "--account", id,
                        "--passcode", passcode, "--data", "data")) {
                    assertThat(revoke.awaitExit()).isZero();
                }
                ApiResponse after = get(port, "/1/profile.json?identity=x", id, passcode);
                assertThat(after.status()).isEqualTo(401);
                assertThat(after.json().get("error").asText()).isEqualTo("Invalid Credentials");
            }
            server.terminate();
        }
    }

    @Test
    void serveLimitFlags_setTheLimitsOfApiMdsTable_andALimitUnderOneIsAUsageError() throws Exception {
        try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--data", "data",
                "--records-per-request", "2", "--values-per-request", "1", "--max-body-bytes", "4096")) {
            int port = server.awaitReady();
            String account = value(server.lines(), "account id:").orElseThrow();
            String passcode = value(server.lines(), "passcode:").orElseThrow();
            String three = "{\"d\":[" + String.join(",", Collections.nCopies(3,
                    "{\"type\":\"profile\",\"identity\":\"u\",\"profileData\":{}}")) + "]}";
            ApiResponse batch = post(port, "/1/upload", three, account, passcode);
            assertThat(batch.status()).isEqualTo(400);
            assertThat(batch.json().get("error").asText()).isEqualTo("Batch of 3 records is over the limit of 2");
            ApiResponse values = post(port, "/1/demerge/profiles.json", "{\"identities\":[\"a\",\"b\"]}", account,
                    passcode);
            assertThat(values.json().get("error").asText())
                    .isEqualTo("2 values of \"identities\" are over the limit of 1");
            assertThat(post(port, "/1/upload", "{\"d\":[\"" + "x".repeat(5000) + "\"]}", account, passcode).status())
                    .isEqualTo(413);
            server.terminate();
        }
        try (TetherProcess bad = TetherProcess.start(dir, "serve", "--data", "data", "--concurrent-bulk-limit", "0")) {
            assertThat(bad.awaitExit()).isEqualTo(2);
            assertThat(bad.lines()).anyMatch(l -> l.startsWith("tether: ") && l.contains("at least 1"));
        }
    }

    @Test
    void theLimits_areAlsoSetByTheirEnvironmentVariables() throws Exception {
        try (TetherProcess server = TetherProcess.start(List.of(), Map.of("TETHER_RECORDS_PER_REQUEST", "2",
                "TETHER_VALUES_PER_REQUEST", "1"), dir, "serve", "--port", "0", "--data", "data")) {
            int port = server.awaitReady();
            String account = value(server.lines(), "account id:").orElseThrow();
            String passcode = value(server.lines(), "passcode:").orElseThrow();
            String three = "{\"d\":[" + String.join(",", Collections.nCopies(3,
                    "{\"type\":\"phone\",\"value\":\"+14155550100\",\"status\":\"Unsubscribe\"}")) + "]}";
            assertThat(post(port, "/1/subscribe", three, account, passcode).json().get("error").asText())
                    .isEqualTo("Batch of 3 records is over the limit of 2");
            assertThat(post(port, "/1/delete/profiles.json", "{\"identity\":[\"a\",\"b\"]}", account, passcode)
                    .json().get("error").asText()).isEqualTo("2 values of \"identity\" are over the limit of 1");
            server.terminate();
        }
    }

    private static ApiResponse post(int port, String path, String body, String account, String passcode) {
        return TestServer.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void webhookCommands_addPrintsTheSecretOnce_andListDeliveriesAndRemoveShowAndEndTheEndpoint() throws Exception {
        String id;
        String passcode;
        try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", "A", "--json",
                "--data", "data")) {
            assertThat(create.awaitExit()).isZero();
            JsonNode created = JSON.readTree(create.lines().get(0));
            id = created.get("accountId").asText();
            passcode = created.get("passcode").asText();
        }
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String endpoint;
            String secret;
            try (TetherProcess add = TetherProcess.start(dir, "webhook", "add", "--account", id, "--url",
                    receiver.url("/hook"), "--events", "identity.bound,identity.unbound", "--data", "data")) {
                assertThat(add.awaitExit()).as(String.join("\n", add.lines())).isZero();
                String out = String.join("\n", add.lines());
                endpoint = out.replaceAll("(?s).*endpoint id: (\\S+).*", "$1");
                secret = out.replaceAll("(?s).*secret: +(whsec_\\S+).*", "$1");
                assertThat(out).contains("events:      identity.bound,identity.unbound");
            }
            assertThat(endpoint).startsWith("ep_");
            assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
            Path keyFile = dir.resolve("data/webhook.key");
            assertThat(Files.getPosixFilePermissions(keyFile)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            receiver.trust("/hook", secret);

            try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--data", "data")) {
                int port = server.awaitReady();
                assertThat(post(port, "/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"w\","
                        + "\"profileData\":{\"Name\":\"W\"}}]}", id, passcode).status()).isEqualTo(200);
                WebhookReceiver.Delivery delivery = receiver.awaitDeliveries(1, java.time.Duration.ofSeconds(30))
                        .get(0);
                assertThat(delivery.verified()).isTrue();
                assertThat(delivery.type()).isEqualTo("identity.bound");
                Thread.sleep(300);
                server.terminate();
                String message = delivery.id();
                try (TetherProcess deliveries = TetherProcess.start(dir, "webhook", "deliveries", "--account", id,
                        "--data", "data")) {
                    assertThat(deliveries.awaitExit()).isZero();
                    assertThat(deliveries.lines().get(0)).startsWith("TIME").contains("OUTCOME", "ERROR");
                    assertThat(deliveries.lines().get(1)).contains(endpoint, message, "identity.bound", "delivered",
                            "204");
                }
            }
            try (TetherProcess list = TetherProcess.start(dir, "webhook", "list", "--account", id, "--json",
                    "--data", "data")) {
                assertThat(list.awaitExit()).isZero();
                JsonNode endpoints = JSON.readTree(String.join("", list.lines()));
                assertThat(endpoints).hasSize(1);
                assertThat(endpoints.get(0).get("endpointId").asText()).isEqualTo(endpoint);
                assertThat(endpoints.get(0).get("url").asText()).isEqualTo(receiver.url("/hook"));
                assertThat(endpoints.get(0).get("deliveredSeq").asLong()).isPositive();
                assertThat(endpoints.get(0).get("failedAttempts").asInt()).isZero();
                assertThat(endpoints.toString()).doesNotContain(secret.substring("whsec_".length(), 20));
            }
            try (TetherProcess pause = TetherProcess.start(dir, "webhook", "pause", "--account", id, "--endpoint",
                    endpoint, "--data", "data")) {
                assertThat(pause.awaitExit()).isZero();
                assertThat(pause.lines()).containsExactly("paused " + endpoint);
            }
            try (TetherProcess list = TetherProcess.start(dir, "webhook", "list", "--account", id, "--data", "data")) {
                assertThat(list.awaitExit()).isZero();
                assertThat(list.lines().get(0)).contains("PAUSED");
                assertThat(list.lines().get(1)).startsWith(endpoint).contains(" yes ");
            }
            try (TetherProcess resume = TetherProcess.start(dir, "webhook", "resume", "--account", id, "--endpoint",
                    endpoint, "--data", "data")) {
                assertThat(resume.awaitExit()).isZero();
                assertThat(resume.lines()).containsExactly("resumed " + endpoint);
            }
            try (TetherProcess bad = TetherProcess.start(dir, "webhook", "add", "--account", id, "--url",
                    "ftp://example.com/x", "--data", "data")) {
                assertThat(bad.awaitExit()).isEqualTo(1);
                assertThat(bad.lines()).containsExactly("tether: a webhook URL must be http or https: "
                        + "ftp://example.com/x");
            }
            try (TetherProcess remove = TetherProcess.start(dir, "webhook", "remove", "--account", id, "--endpoint",
                    endpoint, "--data", "data")) {
                assertThat(remove.awaitExit()).isZero();
                assertThat(remove.lines()).containsExactly("removed " + endpoint);
            }
            try (TetherProcess again = TetherProcess.start(dir, "webhook", "remove", "--account", id, "--endpoint",
                    endpoint, "--data", "data")) {
                assertThat(again.awaitExit()).isEqualTo(1);
                assertThat(again.lines()).containsExactly("tether: account " + id + " has no endpoint " + endpoint);
            }
        }
    }

    @Test
    void migratePartitions_partitionsThePostgresAccountTablesOnce_withTheirRows_andIsRefusedOnSqlite() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        String objectId;
        TestServer.Client client;
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            client = server.newAccount();
            client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"before\",\"profileData\":"
                    + "{\"Phone\":\"+14155550100\"}},{\"type\":\"event\",\"identity\":\"before\",\"evtName\":\"E\","
                    + "\"evtData\":{}}]}");
            objectId = client.get("/1/profile.json?identity=before").json().get("record").get("objectId").asText();
        }
        // a role that serves without owning the tables keeps its grants
        String role = "tether_app_" + ProcessHandle.current().pid();
        execute(url, "CREATE ROLE " + role);
        execute(url, "GRANT SELECT, INSERT, UPDATE, DELETE ON profiles TO " + role);
        try (TetherProcess migrate = TetherProcess.start(dir, "migrate", "--partitions", "4", "--db", url)) {
            assertThat(migrate.awaitExit()).isZero();
            assertThat(migrate.lines()).contains("account data partitioned by account_id into 4 partitions (10 tables)");
        }
        assertThat(partitionsOf(url, "profiles")).isEqualTo(4);
        assertThat(partitionsOf(url, "identity_bindings")).isEqualTo(4);
        assertThat(partitionsOf(url, "events")).isEqualTo(4);
        assertThat(partitionsOf(url, "accounts")).as("the registry of accounts stays one table").isZero();
        assertThat(partitionsOf(url, "identity_keys", "'fillfactor=50' = ANY(c.reloptions)"))
                .as("each partition of identity_keys with the table's half-full pages (V8)").isEqualTo(4);
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT has_table_privilege('" + role + "', 'profiles',"
                     + " 'UPDATE'), has_table_privilege('" + role + "', 'events', 'SELECT')")) {
            rows.next();
            assertThat(rows.getBoolean(1)).as("the grant on profiles, kept").isTrue();
            assertThat(rows.getBoolean(2)).as("no grant on events, none made").isFalse();
        } finally {
            execute(url, "REVOKE ALL ON profiles FROM " + role);
            execute(url, "DROP ROLE " + role);
        }
        try (TetherProcess again = TetherProcess.start(dir, "migrate", "--partitions", "6", "--db", url)) {
            assertThat(again.awaitExit()).isZero();
            assertThat(again.lines()).contains("account data already partitioned by account_id: left as it is");
        }
        assertThat(partitionsOf(url, "profiles")).as("a partitioned table stays as it is").isEqualTo(4);
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            JsonNode record = TestServer.send(server.request("/1/profile.json?phone=%2B14155550100")
                    .header("X-CleverTap-Account-Id", client.accountId())
                    .header("X-CleverTap-Passcode", client.passcode())).json().get("record");
            assertThat(record.get("objectId").asText()).as("the rows were copied").isEqualTo(objectId);
            assertThat(record.get("events").get("E").get("count").asInt()).isEqualTo(1);
        }
        try (TetherProcess sqlite = TetherProcess.start(dir, "migrate", "--partitions", "4", "--data", "data")) {
            assertThat(sqlite.awaitExit()).isEqualTo(1);
            assertThat(sqlite.lines()).contains("tether migrate: only PostgreSQL's tables are partitioned; SQLite"
                    + " keeps every account in its one file");
        }
    }

    /**
     * A database partitioned by an earlier release (at V8) takes the later migrations on its partitioned tables:
     * V9's new key for the bindings on the parent and every partition, V10's column; its rows stay and it serves.
     */
    @Test
    void aDatabasePartitionedAtV8_takesTheLaterMigrations_onEveryPartition() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/postgresql").target("8")
                .load().migrate();
        execute(url, "INSERT INTO accounts (account_id, name, region, email_is_identity, phone_is_identity,"
                + " conflict_policy, created_at) VALUES ('V8P-ART-TEST', 'v8', 'local', TRUE, TRUE, 'reject', 1)");
        execute(url, "INSERT INTO profiles (account_id, guid, properties, created_at, updated_at)"
                + " VALUES ('V8P-ART-TEST', 'p1', '{\"Phone\":\"+14155550101\"}', 100, 100)");
        execute(url, "INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at,"
                + " start_reason) VALUES ('V8P-ART-TEST', 'b1', 'Phone', '+14155550101', 'p1', 100, 'uploaded')");
        execute(url, "INSERT INTO identity_keys (account_id, kind, value, guid, changed_at)"
                + " VALUES ('V8P-ART-TEST', 'Phone', '+14155550101', 'p1', 100)");
        String partition;
        try (var in = getClass().getResourceAsStream("/db/partition-by-account.sql")) {
            partition = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("{partitions}", "4");
        }
        execute(url, partition);
        assertThat(partitionsOf(url, "identity_bindings")).isEqualTo(4);

        try (TestServer server = new TestServer(url, Limits.defaults())) {
            assertThat(server.store().inspection().rows("SELECT c.relname, pg_get_constraintdef(con.oid)"
                    + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                    + " WHERE con.contype = 'p' AND c.relname LIKE 'identity\\_bindings%' ORDER BY c.relname"))
                    .as("V9's key on the parent and on each of its 4 partitions").hasSize(5)
                    .allSatisfy(row -> assertThat(row.get(1))
                            .isEqualTo("PRIMARY KEY (account_id, kind, value, binding_id)"));
            assertThat(server.store().inspection().rows("SELECT binding_id, guid FROM identity_bindings"))
                    .containsExactly(List.of("b1", "p1"));
            assertThat(server.violations()).isEmpty();
            String passcode = server.accounts().addPasscode("V8P-ART-TEST");
            ApiResponse cut = TestServer.send(server.request("/1/disassociate")
                    .header("X-CleverTap-Account-Id", "V8P-ART-TEST").header("X-CleverTap-Passcode", passcode)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550101\"}]}")));
            assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
            assertThat(server.store().inspection().rows("SELECT ended_by FROM identity_bindings"))
                    .as("V11's columns on every partition").containsExactly(List.of("passcode:" + passcode
                            .substring(0, 6)));
            assertThat(server.violations()).isEmpty();
        }
        assertThat(partitionsOf(url, "audit_entries")).as("a table V11 made, not yet partitioned").isZero();
        execute(url, partition);
        assertThat(partitionsOf(url, "audit_entries")).as("partitioned when the script runs again").isEqualTo(4);
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int partitionsOf(String url, String table) throws Exception {
        return partitionsOf(url, table, "TRUE");
    }

    /** The partitions of the table (pg_class c) that meet the condition. */
    private static int partitionsOf(String url, String table, String condition) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_inherits i JOIN pg_class p"
                     + " ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid WHERE p.relname = '" + table
                     + "' AND " + condition)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void badFlag_isOneLineError_withNonZeroExit() throws Exception {
        try (TetherProcess bad = TetherProcess.start(dir, "serve", "--prot", "1")) {
            assertThat(bad.awaitExit()).isNotZero();
            assertThat(bad.lines()).hasSize(1);
            assertThat(bad.lines().get(0)).startsWith("tether: ").contains("--prot");
        }
    }

    @Test
    void unreachableDatabase_isOneLineError_withNonZeroExit() throws Exception {
        try (TetherProcess bad = TetherProcess.start(dir, "account", "list",
                "--db", "jdbc:postgresql://127.0.0.1:1/nothing?user=x&password=secret")) {
            assertThat(bad.awaitExit()).isNotZero();
            List<String> out = bad.lines().stream().filter(l -> l.startsWith("tether: ")).toList();
            assertThat(out).hasSize(1);
            assertThat(out.get(0)).contains("cannot open database").doesNotContain("secret");
        }
    }

    @Test
    void passcodeAdd_printsANewWorkingPasscode_andAccountListShowsNoSecrets() throws Exception {
        try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", "A", "--json",
                "--data", "data")) {
            assertThat(create.awaitExit()).isZero();
            JsonNode created = JSON.readTree(create.lines().get(0));
            String id = created.get("accountId").asText();
            try (TetherProcess add = TetherProcess.start(dir, "passcode", "add", "--account", id, "--data", "data")) {
                assertThat(add.awaitExit()).isZero();
                assertThat(add.lines().get(0)).matches("[A-Z0-9]{6}(-[A-Z0-9]{6}){3}");
            }
            try (TetherProcess list = TetherProcess.start(dir, "account", "list", "--data", "data")) {
                assertThat(list.awaitExit()).isZero();
                assertThat(String.join("\n", list.lines())).contains(id)
                        .doesNotContain(created.get("passcode").asText());
            }
        }
        assertThat(Files.exists(dir.resolve("data/tether.db"))).isTrue();
    }

    @Test
    void accountBlockedValues_areSetFromAFile_shown_emptied_andBroughtBackToTheDefaults() throws Exception {
        String id;
        try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", "A", "--json",
                "--data", "data")) {
            assertThat(create.awaitExit()).isZero();
            JsonNode created = JSON.readTree(create.lines().get(0));
            id = created.get("accountId").asText();
            assertThat(created.get("blockedValuesAreTheDefaults").asBoolean()).isTrue();
            assertThat(created.get("blockedValues").toString()).contains("\"null\"", "\"[object Object]\"");
        }
        Path file = dir.resolve("blocked.txt");
        Files.write(file, List.of("shop@store.com", "  Walk-In  ", "", "0"));
        try (TetherProcess update = TetherProcess.start(dir, "account", "update", "--account", id,
                "--blocked-values", file.toString(), "--data", "data")) {
            assertThat(update.awaitExit()).isZero();
            assertThat(update.lines()).contains("blocked:    shop@store.com | Walk-In | 0");
        }
        try (TetherProcess show = TetherProcess.start(dir, "account", "show", "--account", id, "--json",
                "--data", "data")) {
            assertThat(show.awaitExit()).isZero();
            JsonNode shown = JSON.readTree(show.lines().get(0));
            assertThat(shown.get("blockedValues").toString()).isEqualTo("[\"shop@store.com\",\"Walk-In\",\"0\"]");
            assertThat(shown.get("blockedValuesAreTheDefaults").asBoolean()).isFalse();
            assertThat(shown.get("name").asText()).as("the other settings stay").isEqualTo("A");
        }
        Files.write(file, List.of());
        try (TetherProcess empty = TetherProcess.start(dir, "account", "update", "--account", id,
                "--blocked-values", file.toString(), "--json", "--data", "data")) {
            assertThat(empty.awaitExit()).isZero();
            assertThat(JSON.readTree(empty.lines().get(0)).get("blockedValues").toString()).isEqualTo("[]");
        }
        try (TetherProcess back = TetherProcess.start(dir, "account", "update", "--account", id,
                "--default-blocked-values", "--data", "data")) {
            assertThat(back.awaitExit()).isZero();
            assertThat(String.join("\n", back.lines())).contains("blocked:    (the defaults) null | undefined");
        }
        try (TetherProcess unknown = TetherProcess.start(dir, "account", "show", "--account", "NOT-AN-ACCOUNT",
                "--data", "data")) {
            assertThat(unknown.awaitExit()).isEqualTo(1);
        }
    }

    @Test
    void accountUpdate_changesPolicyAndKinds_andPasscodeList_showsHintsOnly_andRevokeByHintWorks() throws Exception {
        String id;
        String first;
        try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", "A", "--json",
                "--data", "data")) {
            assertThat(create.awaitExit()).isZero();
            JsonNode created = JSON.readTree(create.lines().get(0));
            id = created.get("accountId").asText();
            first = created.get("passcode").asText();
        }
        try (TetherProcess update = TetherProcess.start(dir, "account", "update", "--account", id, "--identities",
                "identity,email", "--conflict-policy", "merge", "--json", "--data", "data")) {
            assertThat(update.awaitExit()).isZero();
            JsonNode updated = JSON.readTree(update.lines().get(0));
            assertThat(updated.get("identities").toString()).isEqualTo("[\"identity\",\"email\"]");
            assertThat(updated.get("conflictPolicy").asText()).isEqualTo("merge");
            assertThat(updated.get("name").asText()).as("a setting not named stays").isEqualTo("A");
        }
        try (TetherProcess add = TetherProcess.start(dir, "passcode", "add", "--account", id, "--data", "data")) {
            assertThat(add.awaitExit()).isZero();
        }
        String hint = first.substring(0, 6);
        try (TetherProcess revoke = TetherProcess.start(dir, "passcode", "revoke", "--account", id, "--hint", hint,
                "--data", "data")) {
            assertThat(revoke.awaitExit()).isZero();
        }
        try (TetherProcess list = TetherProcess.start(dir, "passcode", "list", "--account", id, "--data", "data")) {
            assertThat(list.awaitExit()).isZero();
            String out = String.join("\n", list.lines());
            assertThat(out).doesNotContain(first).containsPattern(hint + " .* revoked ");
            assertThat(list.lines().stream().filter(l -> l.endsWith("active"))).hasSize(1);
        }
        try (TetherProcess bad = TetherProcess.start(dir, "account", "update", "--account", id, "--conflict-policy",
                "maybe", "--data", "data")) {
            assertThat(bad.awaitExit()).isEqualTo(1);
            assertThat(bad.lines()).anyMatch(l -> l.contains("unknown conflict policy 'maybe'"));
        }
    }

    @Test
    void check_passesOnDataWrittenByTheApi_andFailsWithTheBrokenRuleOnACorruptedFile() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("data/tether.db");
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            server.newAccount().post("/1/upload",
                    "{\"d\":[{\"type\":\"profile\",\"identity\":\"a\",\"profileData\":{\"Phone\":\"+919213231415\"}}]}");
        }
        try (TetherProcess check = TetherProcess.start(dir, "check", "--data", "data")) {
            assertThat(check.awaitExit()).isZero();
            assertThat(check.lines()).contains("all invariants hold");
        }
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            // the binding ended as a disassociation ends it (its key's row too), but its Phone property left behind
            statement.execute("UPDATE identity_bindings SET ended_at = started_at, end_reason = 'disassociated'"
                    + " WHERE kind = 'Phone'");
            statement.execute("UPDATE identity_keys SET guid = NULL WHERE kind = 'Phone'");
        }
        try (TetherProcess check = TetherProcess.start(dir, "check", "--data", "data")) {
            assertThat(check.awaitExit()).isEqualTo(1);
            String out = String.join("\n", check.lines());
            assertThat(out).contains("BROKEN  a profile's Identity, Email or Phone property is the value of its active"
                    + " binding (1)").contains("property_matches_binding").contains("has Phone +919213231415")
                    .contains("1 violations");
        }
    }
}
