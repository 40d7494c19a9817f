package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.store.StatementLog;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import dev.tether.work.Transactions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every statement the store runs reaches its rows through an index that leads with the statement's equality columns.
 * The statements are collected from the store itself ({@link StatementLog}) while a workload calls every endpoint,
 * so a new statement joins this test by being written. Each is then explained with the values it ran with:
 * <ul>
 *   <li>on SQLite, the planner's own choice, before and after {@code ANALYZE}: no full scan of a data table (a
 *       {@code SCAN}), and the index's constraints take at least one of the statement's equality columns besides
 *       {@code account_id} (the way {@code events_by_name (account_id=?)} once answered a count of one profile's
 *       events by walking every event of the account);</li>
 *   <li>on PostgreSQL, with sequential scans priced out ({@code enable_seqscan = off}), before and after
 *       {@code ANALYZE}: a test's tables fit in a few pages, where a sequential scan is the right plan, so what is
 *       asked is whether an index that leads with the statement's equality columns serves it at all.</li>
 * </ul>
 */
abstract class QueryPlanContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The tables that grow with an account's data; a full scan of one grows with every account's. */
    private static final Set<String> DATA_TABLES = Set.of("profiles", "identity_bindings", "events", "profile_merges",
            "subscriptions", "idempotency_keys");
    /** Columns compared for equality that an index should take (account_id alone is not enough). */
    private static final Pattern EQUALITY = Pattern.compile("(?i)\\b(?:\\w+\\.)?(guid|kind|value|evt_name|merged_into"
            + "|from_guid|into_guid|idempotency_key|name)\\s*(?:=\\s*(?:\\?|ANY\\s*\\(|\\w+\\.\\w+)|IN\\s*\\()");
    private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:FROM|JOIN|UPDATE)\\s+(\\w+)(?:\\s+(?!WHERE\\b|ON\\b"
            + "|SET\\b|LEFT\\b|JOIN\\b|ORDER\\b|GROUP\\b|LIMIT\\b)(\\w+))?");

    protected abstract Backend backend();

    @Test
    void everyStatementTheStoreRuns_reachesItsRowsThroughAnIndexLedByItsEqualityColumns() throws Exception {
        String url = backend().newDatabaseUrl();
        Map<String, StatementLog.Statement> seen = new ConcurrentHashMap<>();
        StatementLog.listen(statement -> seen.putIfAbsent(statement.sql(), statement));
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            workload(server);
        } finally {
            StatementLog.stop();
        }
        List<String> broken = new ArrayList<>(check(url, seen.values(), "without statistics"));
        try (Connection connection = DriverManager.getConnection(url); Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE");
        }
        broken.addAll(check(url, seen.values(), "after ANALYZE"));
        assertThat(seen.keySet()).as("the workload reached the store's statements").hasSizeGreaterThan(30);
        assertThat(broken).as("statements that do not reach their rows through the index they need").isEmpty();
    }

    /** Every endpoint, on enough rows that the planners have a choice to make. */
    private static void workload(TestServer server) {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        for (int batch = 0; batch < 6; batch++) {
            StringBuilder body = new StringBuilder("{\"d\":[");
            for (int i = 0; i < 500; i++) {
                int n = batch * 500 + i;
                body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"u").append(n)
                        .append("\",\"profileData\":{\"Email\":\"u").append(n).append("@x.co\",\"Phone\":\"+1415")
                        .append(String.format(Locale.ROOT, "%07d", n)).append("\"}},{\"type\":\"event\",\"identity\":\"u")
                        .append(n).append("\",\"ts\":").append(1_793_491_200L + n).append(",\"evtName\":\"E")
                        .append(n % 12).append("\",\"evtData\":{\"n\":").append(n).append("}}");
            }
            assertThat(merging.post("/1/upload", body.append("]}").toString()).json().get("processed").asInt())
                    .isEqualTo(1000);
        }
        // 400 merges: u(n+1) into u(n), by claims of its email
        StringBuilder merges = new StringBuilder("{\"d\":[");
        for (int n = 2000; n < 2800; n += 2) {
            merges.append(n == 2000 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"u").append(n)
                    .append("\",\"profileData\":{\"Email\":\"u").append(n + 1).append("@x.co\"}}");
        }
        assertThat(merging.post("/1/upload", merges.append("]}").toString()).json().get("processed").asInt())
                .isEqualTo(400);
        StringBuilder subscriptions = new StringBuilder("{\"d\":[");
        for (int i = 0; i < 1000; i++) {
            subscriptions.append(i == 0 ? "" : ",").append("{\"type\":\"email\",\"value\":\"u").append(i)
                    .append("@x.co\",\"status\":\"Unsubscribe\"}");
        }
        merging.post("/1/subscribe", subscriptions.append("]}").toString());
        // merges, a demerge, a transfer-free disassociate, a delete
        merging.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"u1\",\"profileData\":{\"Email\":"
                + "\"u2@x.co\"}}]}", "Idempotency-Key", "merge-1");
        merging.post("/1/upload", "{\"d\":[{\"type\":\"event\",\"objectId\":\"nobody-yet\",\"evtName\":\"E1\","
                + "\"evtData\":{}}]}");
        merging.post("/1/demerge/profiles.json", "{\"identities\":[\"u1\"]}");
        merging.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14150000005\"}]}");
        merging.post("/1/delete/profiles.json", "{\"identity\":[\"u7\",\"u8\"]}");
        String guid = merging.get("/1/profile.json?identity=u9").json().get("record").get("objectId").asText();
        merging.post("/1/delete/profiles.json", "{\"guid\":\"" + guid + "\"}");
        for (String query : List.of("identity=u10", "email=u11@x.co", "phone=+14150000012", "objectId=nobody")) {
            merging.get("/1/profile.json?" + query);
        }
        merging.get("/1/identity/history.json?phone=+14150000005");
        merging.get("/1/identity/history.json?objectId=" + guid);
        merging.get("/1/identity/history.json?identity=u3");
        merging.post("/1/identity/reassigned.json", "{\"d\":[{\"phone\":\"+14150000005\",\"date\":\"2026-01-01\"}]}");
        String query = "{\"event_name\":\"E1\",\"from\":20261101,\"to\":20261130}";
        merging.post("/1/counts/events.json", query);
        merging.post("/1/counts/profiles.json", query);
        for (String export : List.of("/1/events.json", "/1/profiles.json")) {
            JsonNode started = merging.post(export + "?batch_size=100", query).json();
            JsonNode page = merging.get(export + "?cursor=" + started.get("cursor").asText()).json();
            merging.get(export + "?cursor=" + page.get("next_cursor").asText());
        }
        merging.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"u1\",\"profileData\":{\"Email\":"
                + "\"u2@x.co\"}}]}", "Idempotency-Key", "merge-1");
        new Transactions(server.store(), Clock.systemUTC()).purgeExpiredKeys();
        server.accounts().list();
    }

    private List<String> check(String url, Collection<StatementLog.Statement> statements, String when)
            throws Exception {
        List<String> broken = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url)) {
            if (backend() == Backend.POSTGRES) {
                try (Statement off = connection.createStatement()) {
                    off.execute("SET enable_seqscan = off");
                }
            }
            for (StatementLog.Statement statement : statements) {
                if (statement.sql().trim().toUpperCase(Locale.ROOT).startsWith("INSERT")) {
                    continue;
                }
                Plan plan = backend() == Backend.POSTGRES ? postgresPlan(connection, statement)
                        : sqlitePlan(connection, statement);
                problem(statement.sql(), plan).ifPresent(p -> broken.add(when + ": " + p + "\n  " + statement.sql()
                        + "\n  plan: " + plan.text()));
            }
        }
        return broken;
    }

    /** What a plan does: the tables it scans whole, the index constraints it searches with, and its text. */
    private record Plan(Set<String> scanned, List<String> constraints, String text) {
    }

    private static java.util.Optional<String> problem(String sql, Plan plan) {
        Map<String, String> tables = tablesOf(sql);
        for (String scanned : plan.scanned()) {
            if (DATA_TABLES.contains(tables.getOrDefault(scanned, scanned))) {
                return java.util.Optional.of("a full scan of " + tables.getOrDefault(scanned, scanned));
            }
        }
        int where = sql.toUpperCase(Locale.ROOT).indexOf(" WHERE ");
        Set<String> equalities = new HashSet<>();
        Matcher matcher = EQUALITY.matcher(where < 0 ? "" : sql.substring(where));
        while (matcher.find()) {
            equalities.add(matcher.group(1).toLowerCase(Locale.ROOT));
        }
        if (equalities.isEmpty()) {
            return java.util.Optional.empty();
        }
        String constraints = String.join(" ", plan.constraints()).toLowerCase(Locale.ROOT);
        boolean led = equalities.stream().anyMatch(column -> Pattern.compile("\\b" + column + "\\b")
                .matcher(constraints).find());
        return led ? java.util.Optional.empty() : java.util.Optional.of("no index takes any of " + equalities);
    }

    /** Table names by the names the statement uses for them (their aliases, and themselves). */
    private static Map<String, String> tablesOf(String sql) {
        Map<String, String> tables = new HashMap<>();
        Matcher matcher = TABLE.matcher(sql);
        while (matcher.find()) {
            tables.put(matcher.group(1), matcher.group(1));
            if (matcher.group(2) != null) {
                tables.put(matcher.group(2), matcher.group(1));
            }
        }
        return tables;
    }

    private static Plan sqlitePlan(Connection connection, StatementLog.Statement statement) throws SQLException {
        Set<String> scanned = new HashSet<>();
        List<String> constraints = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (PreparedStatement explain = bound(connection, "EXPLAIN QUERY PLAN " + statement.sql(), statement, false);
             ResultSet rows = explain.executeQuery()) {
            while (rows.next()) {
                String detail = rows.getString("detail");
                lines.add(detail);
                Matcher scan = Pattern.compile("^SCAN (\\w+)").matcher(detail);
                if (scan.find()) {
                    scanned.add(scan.group(1));
                }
                Matcher search = Pattern.compile("^SEARCH \\w+ USING .*?\\((.*)\\)").matcher(detail);
                if (search.find()) {
                    constraints.add(search.group(1));
                }
            }
        }
        return new Plan(scanned, constraints, String.join(" | ", lines));
    }

    private static Plan postgresPlan(Connection connection, StatementLog.Statement statement) throws Exception {
        String text;
        try (PreparedStatement explain = bound(connection, "EXPLAIN (FORMAT JSON) " + statement.sql(), statement,
                true); ResultSet rows = explain.executeQuery()) {
            rows.next();
            text = rows.getString(1);
        }
        Set<String> scanned = new HashSet<>();
        List<String> constraints = new ArrayList<>();
        collect(JSON.readTree(text).get(0).get("Plan"), scanned, constraints);
        return new Plan(scanned, constraints, text.replaceAll("\\s+", " "));
    }

    private static void collect(JsonNode node, Set<String> scanned, List<String> constraints) {
        if (node.path("Node Type").asText().equals("Seq Scan")) {
            scanned.add(node.path("Relation Name").asText());
        }
        for (String field : List.of("Index Cond", "Recheck Cond")) {
            if (node.has(field)) {
                constraints.add(node.get(field).asText());
            }
        }
        node.path("Plans").forEach(child -> collect(child, scanned, constraints));
    }

    private static PreparedStatement bound(Connection connection, String sql, StatementLog.Statement statement,
                                           boolean postgres) throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(sql);
        for (int i = 0; i < statement.values().size(); i++) {
            Object value = statement.values().get(i);
            if (value instanceof List<?> list) {
                prepared.setArray(i + 1, connection.createArrayOf("text", list.toArray()));
            } else {
                prepared.setObject(i + 1, value);
            }
        }
        return prepared;
    }
}
