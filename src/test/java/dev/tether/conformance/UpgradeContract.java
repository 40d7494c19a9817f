package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.access.AccountService;
import dev.tether.account.Passcodes;
import dev.tether.account.Scope;
import dev.tether.config.Limits;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.ScratchDirs;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A database written by the V1 release upgrades to today's schema with every account, passcode, profile, binding,
 * event and history row intact, and today's server works on it: reads follow the old merges, the old merges have
 * their records, and new merges and events work.
 */
abstract class UpgradeContract {
    private static final String MERGE_ACCOUNT = "5C6-TT9-URZW";
    /** An account where the V1 release ran the three uploads of its merge bug. */
    private static final String BUG_ACCOUNT = "6RA-CLA-58D7";
    /** Every table of V1 with its columns: what must read back the same after the upgrade. */
    private static final Map<String, String> V1_TABLES = new LinkedHashMap<>();

    static {
        V1_TABLES.put("accounts", "account_id, name, region, email_is_identity, phone_is_identity, conflict_policy,"
                + " created_at");
        V1_TABLES.put("passcodes", "account_id, passcode_hash, hint, created_at, revoked_at");
        V1_TABLES.put("profiles", "account_id, guid, properties, created_at, updated_at, merged_into");
        V1_TABLES.put("identity_bindings", "account_id, binding_id, kind, value, guid, started_at, start_reason,"
                + " ended_at, end_reason");
        V1_TABLES.put("events", "account_id, guid, event_id, evt_name, ts, data");
    }

    protected abstract Backend backend();

    @Test
    void aDatabaseWrittenByTheV1Release_upgradesWithEveryRowIntact_andServes() throws Exception {
        String url = v1Database();
        Map<String, List<String>> before = snapshot(url);
        assertThat(before.get("identity_bindings")).hasSize(23);
        assertThat(before.get("events")).hasSize(6);

        try (TestServer server = new TestServer(url, Limits.defaults())) {
            Map<String, List<String>> after = snapshot(url);
            for (String table : V1_TABLES.keySet()) {
                if (!table.equals("profiles")) {
                    assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
                }
            }
            List<String> gone = new ArrayList<>(before.get("profiles"));
            gone.removeAll(after.get("profiles"));
            List<String> added = new ArrayList<>(after.get("profiles"));
            added.removeAll(before.get("profiles"));
            assertThat(gone).as("the one profile the V1 merge bug damaged (its Phone is not its number)")
                    .singleElement().asString().startsWith(BUG_ACCOUNT).contains("\"Phone\":\"+15550000002\"");
            assertThat(added).as("repaired by V3: the wrong Phone removed, the rest as it was").singleElement()
                    .asString().startsWith(BUG_ACCOUNT).doesNotContain("+15550000002").contains("m@x.co");
            assertThat(server.store().inspection().rows("SELECT COUNT(*) FROM profile_merges"))
                    .as("the three V1 merges have their records").containsExactly(List.of("3"));
            assertThat(server.violations()).isEmpty();
            assertThat(single(server, "SELECT COUNT(*) FROM identity_keys")).as("a row for every key V1 bound")
                    .isEqualTo(single(server, "SELECT COUNT(*) FROM (SELECT DISTINCT account_id, kind, value"
                            + " FROM identity_bindings) k"));

            String passcode = new AccountService(server.store(), Clock.systemUTC()).addPasscode(MERGE_ACCOUNT);
            JsonNode dave = get(server, passcode, "identity=dave").json().get("record");
            assertThat(dave.get("events").get("Charged").get("count").asInt()).isEqualTo(2);
            assertThat(dave.get("events").get("Viewed").get("count").asInt()).isEqualTo(1);
            String bob = single(server, "SELECT guid FROM profiles WHERE properties LIKE '%Bob%'");
            assertThat(get(server, passcode, "objectId=" + bob).json().get("record").get("objectId").asText())
                    .as("a profile merged twice under V1 answers with the last survivor")
                    .isEqualTo(dave.get("objectId").asText());

            String alice = get(server, passcode, "identity=alice").json().get("record").get("objectId").asText();
            ApiResponse merged = post(server, passcode, "{\"d\":[{\"type\":\"profile\",\"identity\":\"newbie\","
                    + "\"profileData\":{\"Email\":\"alice@new.co\"}},{\"type\":\"event\",\"objectId\":\"" + bob
                    + "\",\"evtName\":\"Viewed\",\"evtData\":{}}]}");
            assertThat(merged.json().get("processed").asInt()).as(merged.body()).isEqualTo(2);
            String newbie = get(server, passcode, "identity=newbie").json().get("record").get("objectId").asText();
            assertThat(newbie).isNotEqualTo(alice);
            assertThat(server.store().inspection().rows("SELECT guid, arrived_as FROM events"
                    + " WHERE evt_name = 'Charged' AND ts = 1700000000"))
                    .as("an event written by V1 moves with the merge and keeps the GUID it had")
                    .containsExactly(List.of(newbie, alice));
            assertThat(server.violations()).isEmpty();
        }
    }

    /**
     * A database of the schema before key rows (V6) gets, from V7, a row for every key its bindings ever named: the
     * profile of its active binding (none when it has none) and the time of its history's last start or end; and
     * the server goes on writing them.
     */
    @Test
    void aDatabaseOfTheSchemaBeforeKeyRows_getsARowPerKey_withItsHolderAndLastChange() throws Exception {
        String url = backend().newDatabaseUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/"
                + (backend().postgres() ? "postgresql" : "sqlite")).target("6").load().migrate();
        String account = "KEY-ROW-V6AA";
        try (Connection sql = DriverManager.getConnection(url)) {
            insertAccount(sql, account);
            for (String guid : List.of("p1", "p2")) {
                execute(sql, "INSERT INTO profiles (account_id, guid, properties, created_at, updated_at)"
                        + " VALUES ('" + account + "', '" + guid + "', '{}', 100, 100)");
            }
            execute(sql, "INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at,"
                    + " start_reason, ended_at, end_reason) VALUES"
                    + " ('" + account + "', 'b1', 'Phone', '+15550001000', 'p1', 100, 'uploaded', 200, 'disassociated'),"
                    + " ('" + account + "', 'b2', 'Phone', '+15550001000', 'p2', 300, 'uploaded', NULL, NULL),"
                    + " ('" + account + "', 'b3', 'Identity', 'u1', 'p1', 100, 'uploaded', NULL, NULL),"
                    + " ('" + account + "', 'b4', 'Email', 'e@x.co', NULL, 50, 'uploaded', 60, 'deleted')");
        }
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            assertThat(server.store().inspection().rows("SELECT kind, value, guid, changed_at FROM identity_keys"
                    + " ORDER BY kind, value")).containsExactly(List.of("Email", "e@x.co", "null", "60"),
                    List.of("Identity", "u1", "p1", "100"), List.of("Phone", "+15550001000", "p2", "300"));
            assertThat(server.violations()).isEmpty();
            if (backend().postgres()) {
                assertThat(server.store().inspection().rows("SELECT c.relname, array_to_string(c.reloptions, ',')"
                        + " FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
                        + " AND (c.relname = 'identity_keys' OR c.relname LIKE 'identity\\_keys\\_p%')"))
                        .as("V8: key rows on half-full pages, room for their second version (a partition each)")
                        .isNotEmpty().allSatisfy(row -> assertThat(row.get(1)).isEqualTo("fillfactor=50"));
            }
            assertThat(server.store().inspection().rows(backend().postgres()
                    ? "SELECT indexname FROM pg_indexes WHERE tablename = 'identity_bindings' ORDER BY indexname"
                    : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'identity_bindings'"
                            + " AND sql IS NOT NULL ORDER BY name"))
                    .as("V9: the history found through the bindings' key, the unique index on active ones kept")
                    .containsExactlyElementsOf(backend().postgres()
                            ? List.of(List.of("identity_bindings_active"), List.of("identity_bindings_by_profile"),
                                    List.of("identity_bindings_of_profile"), List.of("identity_bindings_pkey"))
                            : List.of(List.of("identity_bindings_active"), List.of("identity_bindings_by_profile"),
                                    List.of("identity_bindings_of_profile")));
            if (backend().postgres()) {
                assertThat(single(server, "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                        + " WHERE conname = 'identity_bindings_pkey'"))
                        .as("V9: the bindings' primary key")
                        .isEqualTo("PRIMARY KEY (account_id, kind, value, binding_id)");
            }
            if (!backend().postgres()) {
                assertThat(server.store().inspection().rows("SELECT name FROM pragma_index_info((SELECT name"
                        + " FROM pragma_index_list('identity_bindings') WHERE origin = 'pk')) ORDER BY seqno"))
                        .as("V9: the bindings' primary key").containsExactly(List.of("account_id"), List.of("kind"),
                                List.of("value"), List.of("binding_id"));
            }
            assertThat(server.store().inspection().rows("SELECT binding_id FROM identity_bindings"
                    + " WHERE kind = 'Phone' AND value = '+15550001000' ORDER BY started_at"))
                    .as("V9: the key's history kept").containsExactly(List.of("b1"), List.of("b2"));
            String passcode = new AccountService(server.store(), Clock.systemUTC()).addPasscode(account);
            ApiResponse cut = TestServer.send(server.request("/1/disassociate").header("X-CleverTap-Account-Id",
                    account).header("X-CleverTap-Passcode", passcode).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"d\":[{\"type\":\"phone\",\"value\":\"+15550001000\"}]}")));
            assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
            assertThat(server.store().inspection().rows("SELECT guid FROM identity_keys WHERE kind = 'Phone'"))
                    .as("the disassociation wrote the key's row").containsExactly(List.of("null"));
            assertThat(server.violations()).isEmpty();
        }
    }

    /**
     * A database of the release before scopes (V10): every passcode it holds keeps working for everything, named by
     * its hint, a revoked one stays revoked, and the bindings it wrote read back with nobody named as their actor.
     */
    @Test
    void aDatabaseOfTheReleaseBeforeScopes_keepsEveryPasscodeWorking_withEveryScope() throws Exception {
        String url = backend().newDatabaseUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/"
                + (backend().postgres() ? "postgresql" : "sqlite")).target("10").load().migrate();
        String account = "SCO-PES-V10A";
        String kept = "ABCDEF-GHJKLM-NPQRST-UVWXYZ";
        String revoked = "ZYXWVU-TSRQPN-MLKJHG-FEDCBA";
        try (Connection sql = DriverManager.getConnection(url)) {
            insertAccount(sql, account);
            execute(sql, "INSERT INTO passcodes (account_id, passcode_hash, hint, created_at, revoked_at) VALUES"
                    + " ('" + account + "', '" + Passcodes.hash(kept) + "', 'ABCDEF', 10, NULL),"
                    + " ('" + account + "', '" + Passcodes.hash(revoked) + "', 'ZYXWVU', 10, 20)");
            execute(sql, "INSERT INTO profiles (account_id, guid, properties, created_at, updated_at)"
                    + " VALUES ('" + account + "', 'p1', '{\"Phone\":\"+15550001000\"}', 100, 100)");
            execute(sql, "INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at,"
                    + " start_reason) VALUES ('" + account + "', 'b1', 'Phone', '+15550001000', 'p1', 100, 'uploaded')");
            execute(sql, "INSERT INTO identity_keys (account_id, kind, value, guid, changed_at)"
                    + " VALUES ('" + account + "', 'Phone', '+15550001000', 'p1', 100)");
        }
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            assertThat(server.accounts().passcodes(account)).extracting(p -> p.hint() + " " + p.name() + " "
                            + Scope.written(p.scopes()) + " " + p.expiresAt().isPresent() + " " + p.revokedAt().isPresent())
                    .containsExactly("ABCDEF ABCDEF read,write,disassociate,delete,audit false false",
                            "ZYXWVU ZYXWVU read,write,disassociate,delete,audit false true");
            JsonNode history = send(server, kept, "GET", "/1/identity/history.json?phone=%2B15550001000", null).json()
                    .get("history").get(0);
            assertThat(history.get("by").isNull()).as("a binding older than the audit trail names nobody").isTrue();
            assertThat(history.get("requestId").isNull()).isTrue();
            assertThat(send(server, kept, "POST", "/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":"
                    + "\"u2\",\"profileData\":{}}]}").json().get("processed").asInt()).as("write").isEqualTo(1);
            assertThat(send(server, kept, "POST", "/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":"
                    + "\"+15550001000\"}]}").json().get("processed").asInt()).as("disassociate").isEqualTo(1);
            assertThat(send(server, kept, "POST", "/1/delete/profiles.json", "{\"identity\":\"u2\"}").json()
                    .get("processed").asInt()).as("delete").isEqualTo(1);
            assertThat(send(server, kept, "GET", "/1/audit.json", null).json().get("records")).as("audit")
                    .extracting(e -> e.get("actor").asText()).containsOnly("passcode:ABCDEF").hasSize(3);
            assertThat(send(server, revoked, "GET", "/1/account.json", null).status()).isEqualTo(401);
            assertThat(server.violations()).isEmpty();
        }
    }

    private static ApiResponse send(TestServer server, String passcode, String method, String path,
                                    @Nullable String body) {
        HttpRequest.Builder request = server.request(path).header("X-CleverTap-Account-Id", "SCO-PES-V10A")
                .header("X-CleverTap-Passcode", passcode);
        return TestServer.send(body == null ? request.GET() : request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** An account of an old schema's columns, every identity kind on (booleans bound: each backend has its own). */
    private static void insertAccount(Connection sql, String account) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO accounts (account_id, name, region,"
                + " email_is_identity, phone_is_identity, conflict_policy, created_at)"
                + " VALUES (?, 'old', 'local', ?, ?, 'reject', 1)")) {
            insert.setString(1, account);
            insert.setBoolean(2, true);
            insert.setBoolean(3, true);
            insert.executeUpdate();
        }
    }

    private static void execute(Connection sql, String statement) throws SQLException {
        try (Statement run = sql.createStatement()) {
            run.execute(statement);
        }
    }

    private String v1Database() throws IOException, SQLException {
        Path file = ScratchDirs.create("tether-v1-").resolve("tether.db");
        try (InputStream fixture = getClass().getResourceAsStream("/dev/tether/upgrade/v1.db")) {
            if (fixture == null) {
                throw new IllegalStateException("the fixture src/test/resources/dev/tether/upgrade/v1.db is missing"
                        + " (is it committed? .gitignore ignores *.db elsewhere)");
            }
            Files.copy(fixture, file);
        }
        String sqlite = "jdbc:sqlite:" + file;
        if (!backend().postgres()) {
            return sqlite;
        }
        String url = backend().newDatabaseUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/postgresql").target("1")
                .load().migrate();
        try (Connection from = DriverManager.getConnection(sqlite); Connection to = DriverManager.getConnection(url)) {
            for (Map.Entry<String, String> table : V1_TABLES.entrySet()) {
                copy(from, to, table.getKey(), table.getValue());
            }
        }
        return url;
    }

    /** Copies every row of a table, converting SQLite's 0/1 to PostgreSQL's booleans. */
    private static void copy(Connection from, Connection to, String table, String columns) throws SQLException {
        int count = columns.split(",").length;
        String marks = String.join(", ", java.util.Collections.nCopies(count, "?"));
        try (Statement select = from.createStatement();
             ResultSet rows = select.executeQuery("SELECT " + columns + " FROM " + table);
             PreparedStatement insert = to.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES ("
                     + marks + ")")) {
            ResultSetMetaData target = to.createStatement().executeQuery("SELECT " + columns + " FROM " + table
                    + " LIMIT 0").getMetaData();
            while (rows.next()) {
                for (int i = 1; i <= count; i++) {
                    Object value = rows.getObject(i);
                    if (value != null && target.getColumnType(i) == Types.BIT) {
                        value = ((Number) value).intValue() != 0;
                    }
                    insert.setObject(i, value, value == null ? target.getColumnType(i) : insert.getParameterMetaData()
                            .getParameterType(i));
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static Map<String, List<String>> snapshot(String url) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> table : V1_TABLES.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery("SELECT " + table.getValue() + " FROM "
                        + table.getKey())) {
                    while (result.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                            row.append(result.getString(i)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table.getKey(), rows);
            }
        }
        return tables;
    }

    private static String single(TestServer server, String sql) {
        return server.store().inspection().rows(sql).get(0).get(0);
    }

    private static ApiResponse get(TestServer server, String passcode, String query) {
        return TestServer.send(server.request("/1/profile.json?" + query).header("X-CleverTap-Account-Id",
                MERGE_ACCOUNT).header("X-CleverTap-Passcode", passcode).GET());
    }

    private static ApiResponse post(TestServer server, String passcode, String body) {
        return TestServer.send(server.request("/1/upload").header("X-CleverTap-Account-Id", MERGE_ACCOUNT)
                .header("X-CleverTap-Passcode", passcode).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }
}
