package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.store.StatementLog;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import dev.tether.testing.WebhookReceiver;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookService;
import dev.tether.work.Transactions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every statement the store runs reaches its rows through an index that leads with the statement's equality columns
 * (DECISIONS.md, "Query plans and statistics"). The statements are collected from the store itself
 * ({@link StatementLog}) while a workload calls every endpoint, so a new statement joins this test by being
 * written. Each is explained with the values it ran with, on tables of {@value #OTHERS} rows besides the
 * workload's, and judged by {@link Plans}:
 * <ul>
 *   <li>on SQLite, the planner's own choice without statistics, after the store's {@code PRAGMA optimize} and
 *       after {@code ANALYZE};</li>
 *   <li>on PostgreSQL, with sequential scans priced out ({@code enable_seqscan = off}), without statistics (the
 *       server's analyses of the workload's tables taken back, autovacuum off for them) and after {@code ANALYZE}:
 *       whether an index that leads with the
 *       statement's equality columns serves it at all.</li>
 * </ul>
 */
abstract class QueryPlanContract {
    private static final Duration WAIT = Duration.ofSeconds(30);

    protected abstract Backend backend();

    @Test
    void everyStatementTheStoreRuns_reachesItsRowsThroughAnIndexLedByItsEqualityColumns() throws Exception {
        String url = backend().newDatabaseUrl();
        Map<String, StatementLog.Statement> seen = new ConcurrentHashMap<>();
        // of each statement, the run with the shortest lists bound: a batch of 500 against a test's few thousand
        // rows is a fifth of the table, where reading the account's rows is the right plan; against a real
        // account's million rows a batch is a thousandth, as a short list is here
        StatementLog.listen(statement -> seen.merge(statement.sql(), statement,
                (kept, next) -> longestList(next) < longestList(kept) ? next : kept));
        try (TestServer server = new TestServer(url, Limits.defaults(),
                new WebhookConfig(new SecretBox(TestServer.newKeyFile()), WebhookContract.QUICK));
             WebhookReceiver receiver = new WebhookReceiver()) {
            if (backend().postgres()) {
                // "without statistics" must stay so: autovacuum would analyze the tables the workload fills
                for (String table : Plans.DATA_TABLES) {
                    for (String stored : storedTables(url, table)) {
                        runOn(url, "ALTER TABLE " + stored + " SET (autovacuum_enabled = false)");
                    }
                }
            }
            workload(server, receiver);
        } finally {
            StatementLog.stop();
        }
        assertThat(seen.keySet()).as("the workload reached the store's statements").hasSizeGreaterThan(40);
        populate(url);
        List<String> broken = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            if (!backend().postgres()) {
                // the server's PRAGMA optimize may have analyzed some tables as it opened and closed
                statement.execute("DROP TABLE IF EXISTS sqlite_stat1");
            } else {
                // the server's upkeep analyzed the tables the workload filled; a table's first thousand rows are
                // planned without statistics, which the test puts back as they were
                forgetStatistics(url);
            }
        }
        // PostgreSQL without statistics prices every condition at a default selectivity, and chose between an
        // index that takes a batch's values and one that filters them by a coin flip: what this pass asks of it is
        // no full scan. The server does not leave a table so past its first thousand rows (DECISIONS.md, "Query
        // plans and statistics")
        broken.addAll(check(url, seen.values(), "without statistics", !backend().postgres()));
        if (!backend().postgres()) {
            try (Store store = Stores.open(url, 2)) {
                store.refreshStatistics();
            }
            broken.addAll(check(url, seen.values(), "after PRAGMA optimize", true));
        }
        runOn(url, "ANALYZE");
        broken.addAll(check(url, seen.values(), "after ANALYZE", true));
        assertThat(broken).as("statements that do not reach their rows through the index they need").isEmpty();
    }

    /**
     * The contract's own check of the partition rule: a statement that binds {@code account_id} and reaches two
     * partitions of a table (here by naming two accounts, which hash to two partitions for most pairs) fails it.
     */
    @Test
    void aStatementThatReachesTwoPartitions_failsTheContract_onAPartitionedDatabase() throws Exception {
        Assumptions.assumeTrue(backend() == Backend.POSTGRES_PARTITIONED, "a partitioned database's rule");
        String url = backend().newDatabaseUrl();
        try (Connection connection = DriverManager.getConnection(url)) {
            Plans plans = new Plans(connection, true);
            // a parameter bare and cast (Sql.TEXT): the contract knows both for a statement about one account
            for (String parameter : PARAMETERS) {
                String sql = "SELECT guid FROM profiles WHERE account_id = " + parameter + " OR account_id = "
                        + parameter;
                List<String> problems = new ArrayList<>();
                for (int other = 0; other < 20; other++) {
                    StatementLog.Statement statement = new StatementLog.Statement(sql, List.of("ABC-DEF-GHJK",
                            "OTHER-" + other));
                    plans.problem(sql, plans.explain(statement)).ifPresent(problems::add);
                }
                assertThat(problems).as(parameter + ": some other account hashes to another partition").isNotEmpty()
                        .allSatisfy(p -> assertThat(p).startsWith("the plan reaches 2 partitions of profiles"));
            }
        }
    }

    /**
     * The contract's own check: a count of one profile's events that walks the account's events through
     * {@code events_by_name}, as the statement once did, fails it ({@link #explainWithoutEventsKey}).
     */
    @Test
    void aCountOfOneProfilesEventsThroughEventsByName_failsTheContract() throws Exception {
        String url = backend().newDatabaseUrl();
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            TestServer.Client client = server.newAccount();
            StringBuilder body = new StringBuilder("{\"d\":[");
            for (int i = 0; i < 1000; i++) {
                body.append(i == 0 ? "" : ",").append("{\"type\":\"event\",\"identity\":\"u").append(i % 50)
                        .append("\",\"ts\":").append(1_793_491_200L + i).append(",\"evtName\":\"E").append(i % 12)
                        .append("\",\"evtData\":{}}");
            }
            client.post("/1/upload", body.append("]}").toString());
            String guid = client.get("/1/profile.json?identity=u7").json().get("record").get("objectId").asText();
            // a parameter bare and cast (Sql.TEXT): the contract reads both as an equality
            for (String parameter : PARAMETERS) {
                String count = "SELECT evt_name, COUNT(*), MIN(ts), MAX(ts) FROM events"
                        + (!backend().postgres() ? " INDEXED BY events_by_name" : "")
                        + " WHERE account_id = " + parameter + " AND guid = " + parameter + " GROUP BY evt_name";
                Explained explained = explainWithoutEventsKey(url, new StatementLog.Statement(count,
                        List.of(client.accountId(), guid)));
                assertThat(explained.problem()).as(parameter + ": " + explained.plan()).hasValueSatisfying(p ->
                        assertThat(p).contains("index events_by_name [account_id, evt_name, ts, event_id] of events"
                                + " has none of [guid]"));
            }
        }
    }

    /** A parameter bare and as the store casts it ({@code Sql.TEXT}): the contract's rules must read both. */
    private static final List<String> PARAMETERS = List.of("?", "CAST(? AS TEXT)");

    /** A plan's text and what the contract says of it. */
    private record Explained(String plan, Optional<String> problem) {
    }

    /**
     * The contract on this statement's plan; on PostgreSQL, whose planner would not choose {@code events_by_name}
     * while the events' primary key serves, with that key dropped for the EXPLAIN, in a transaction rolled back.
     */
    private Explained explainWithoutEventsKey(String url, StatementLog.Statement statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            Plans plans = new Plans(connection, backend().postgres());
            if (backend().postgres()) {
                connection.setAutoCommit(false);
                try (Statement drop = connection.createStatement()) {
                    drop.execute("SET LOCAL enable_seqscan = off");
                    drop.execute("ALTER TABLE events DROP CONSTRAINT events_pkey");
                }
            }
            Plans.Plan plan = plans.explain(statement);
            Explained explained = new Explained(plan.text(), plans.problem(statement.sql(), plan));
            if (backend().postgres()) {
                connection.rollback();
            }
            return explained;
        }
    }

    /** Rows of the other accounts of a real database: {@value #OTHERS} in every data table, written directly. */
    private static final int OTHERS = 200_000;

    /**
     * Gives every data table the size of a real one, in another account: a planner that knows nothing of a
     * table's columns prices a scan of a few thousand rows below any index probe (PostgreSQL without statistics
     * read a whole account where the test's own rows were all there was), and after ANALYZE a table of a few rows
     * is rightly scanned. The workload's account keeps its own rows as the server wrote them.
     */
    private static void populate(String url) throws SQLException {
        String series = "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + OTHERS + ") ";
        String other = "'ZZZ-OTH-ERS0'";
        long now = System.currentTimeMillis();
        List<String> fills = List.of(
                "INSERT INTO profiles (account_id, guid, properties, created_at, updated_at, merged_into) SELECT "
                        + other + ", 'g' || i, '{}', i, i, CASE WHEN i % 50 = 0 THEN 'g' || (i + 1) END FROM s",
                "INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at, start_reason,"
                        + " ended_at, end_reason) SELECT " + other + ", 'b' || i, CASE i % 3 WHEN 0 THEN 'Phone' WHEN 1"
                        + " THEN 'Email' ELSE 'Identity' END, 'v' || i, 'g' || (i / 3), i, 'upload', CASE WHEN i % 10 = 0"
                        + " THEN i + 1 END, CASE WHEN i % 10 = 0 THEN 'disassociated' END FROM s",
                "INSERT INTO identity_keys (account_id, kind, value, guid, changed_at) SELECT " + other
                        + ", CASE i % 3 WHEN 0 THEN 'Phone' WHEN 1 THEN 'Email' ELSE 'Identity' END, 'v' || i,"
                        + " CASE WHEN i % 10 <> 0 THEN 'g' || (i / 3) END, i FROM s",
                "INSERT INTO events (account_id, guid, event_id, evt_name, ts, data) SELECT " + other
                        + ", 'g' || (i / 10), 'e' || i, 'E' || (i % 12), 1793491200 + i, '{}' FROM s",
                "INSERT INTO profile_merges (account_id, merge_id, from_guid, into_guid, merged_at, copied_keys) SELECT "
                        + other + ", 'm' || i, 'g' || i, 'g' || (i + 1), i, '[]' FROM s",
                "INSERT INTO subscriptions (account_id, kind, value, status, updated_at) SELECT " + other
                        + ", 'email', 'v' || i, 'Unsubscribe', i FROM s",
                "INSERT INTO idempotency_keys (account_id, idempotency_key, request_hash, status, body, created_at)"
                        + " SELECT " + other + ", 'k' || i, 'h', 200, '{}', " + now + " - i * 1000 FROM s",
                "INSERT INTO webhook_outbox (account_id, first_seq, last_seq, messages, created_at) SELECT " + other
                        + ", i, i, '[]', " + now / 1000 + " - i FROM s",
                "INSERT INTO webhook_attempts (endpoint_id, seq, attempt, message_id, type, attempted_at, duration_ms,"
                        + " http_status, error, outcome) SELECT 'other-endpoint-' || (i % 500), i, 1, 'msg_' || i, 'profile.merged', "
                        + now + " - i * 1000, 3, 200, NULL, 'delivered' FROM s");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String fill : fills) {
                statement.execute(series + fill);
            }
        }
    }

    /**
     * SQLite keeps no statistics by itself: the store runs {@code PRAGMA optimize} (on the writer as it opens,
     * hourly, and as it closes), so a table that grew from nothing has them once the server stops, and a refresh
     * brings them up to date as it grows. PostgreSQL's autovacuum keeps its own; the refresh is a no-op there.
     */
    @Test
    void theStoreRefreshesThePlannersStatistics_whereTheBackendDoesNotKeepThem() throws Exception {
        String url = backend().newDatabaseUrl();
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            uploadProfiles(server.newAccount(), 0, 2000);
            server.store().refreshStatistics();
            if (backend().postgres()) {
                return; // the refresh is a no-op there: it ran without failing, and nothing else is asked of it
            }
            assertThat(analyzedRows(url, "profiles")).as("after a refresh").isGreaterThanOrEqualTo(2000);
            uploadProfiles(server.newAccount(), 2000, 60_000);
        }
        if (!backend().postgres()) {
            assertThat(analyzedRows(url, "profiles")).as("after the server closed").isGreaterThanOrEqualTo(60_000);
        }
    }

    private static void uploadProfiles(TestServer.Client client, int from, int to) {
        for (int first = from; first < to; first += 1000) {
            StringBuilder body = new StringBuilder("{\"d\":[");
            for (int n = first; n < first + 1000; n++) {
                body.append(n == first ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"s").append(n)
                        .append("\",\"profileData\":{\"Name\":\"S\"}}");
            }
            assertThat(client.post("/1/upload", body.append("]}").toString()).json().get("processed").asInt())
                    .isEqualTo(1000);
        }
    }

    /** The row count SQLite's statistics give a table, from the first number of its sqlite_stat1 rows. */
    private static long analyzedRows(String url, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement query = connection.prepareStatement("SELECT stat FROM sqlite_stat1 WHERE tbl = ?")) {
            query.setString(1, table);
            long rows = 0;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows = Math.max(rows, Long.parseLong(result.getString(1).split(" ")[0]));
                }
            }
            return rows;
        }
    }

    private static int longestList(StatementLog.Statement statement) {
        return statement.values().stream().mapToInt(value -> value instanceof List<?> list ? list.size()
                : value instanceof String text && text.startsWith("[") ? text.split(",").length : 0).max().orElse(0);
    }

    /**
     * Takes PostgreSQL's statistics of the data tables away, as before their first analysis: their column
     * statistics deleted and their sizes unknown again. Needs a superuser, which the embedded server's is.
     */
    private static void forgetStatistics(String url) throws SQLException {
        for (String table : Plans.DATA_TABLES) {
            List<String> stored = new ArrayList<>(storedTables(url, table));
            if (!stored.contains(table)) {
                stored.add(table);
            }
            for (String relation : stored) {
                runOn(url, "DELETE FROM pg_statistic WHERE starelid = '" + relation + "'::regclass");
                runOn(url, "UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0"
                        + " WHERE oid = '" + relation + "'::regclass");
            }
        }
    }

    /** The tables that hold the rows of this one: its partitions where it is partitioned, else itself. */
    private static List<String> storedTables(String url, String table) throws SQLException {
        List<String> partitions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement query = connection.prepareStatement("SELECT c.relname FROM pg_inherits i"
                     + " JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
                     + " WHERE p.relname = ? ORDER BY c.relname")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    partitions.add(rows.getString(1));
                }
            }
        }
        return partitions.isEmpty() ? List.of(table) : partitions;
    }

    private static void runOn(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Every endpoint, on enough rows that the planners have a choice to make. */
    private static void workload(TestServer server, WebhookReceiver receiver) {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        WebhookService.Added endpoint = server.webhooks().add(merging.accountId(), receiver.url("/plans"), List.of());
        receiver.trust("/plans", endpoint.secret());
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
        // events of profiles that exist already: the profile is only marked as written (PostgreSQL)
        StringBuilder later = new StringBuilder("{\"d\":[");
        for (int n = 10; n < 30; n++) {
            later.append(n == 10 ? "" : ",").append("{\"type\":\"event\",\"identity\":\"u").append(n)
                    .append("\",\"ts\":1793500000,\"evtName\":\"Later\",\"evtData\":{}}");
        }
        assertThat(merging.post("/1/upload", later.append("]}").toString()).json().get("processed").asInt())
                .isEqualTo(20);
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
        merging.post("/1/subscribe", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14150000003\",\"status\":"
                + "\"Resubscribe\"}]}");
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
        // a page of one profile: the subscriptions of its addresses read with a short list, as a big account's are
        String cursor = merging.post("/1/profiles.json?batch_size=1", query).json().get("cursor").asText();
        for (int page = 0; page < 10; page++) {
            JsonNode records = merging.get("/1/profiles.json?cursor=" + cursor).json();
            if (records.get("records").get(0).has("phone")) {
                break;
            }
            cursor = records.get("next_cursor").asText();
        }
        merging.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"u1\",\"profileData\":{\"Email\":"
                + "\"u2@x.co\"}}]}", "Idempotency-Key", "merge-1");
        new Transactions(server.store(), Clock.systemUTC()).purgeExpiredKeys();
        server.accounts().list();
        receiver.awaitDeliveries(3, WAIT);
        server.webhooks().deliveries(merging.accountId(), Optional.empty(), 10);
        server.webhooks().deliveries(merging.accountId(), Optional.of(endpoint.endpoint().endpointId()), 10);
        long now = System.currentTimeMillis();
        server.store().write(tx -> tx.webhooks().prune(now / 1000 - 3600, now - 3_600_000, 1000));
        server.webhooks().pause(merging.accountId(), endpoint.endpoint().endpointId());
        server.webhooks().resume(merging.accountId(), endpoint.endpoint().endpointId());
        server.webhooks().remove(merging.accountId(), endpoint.endpoint().endpointId());
    }

    private List<String> check(String url, Collection<StatementLog.Statement> statements, String when,
                               boolean judgeIndexes) throws Exception {
        List<String> broken = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url)) {
            if (backend().postgres()) {
                try (Statement off = connection.createStatement()) {
                    off.execute("SET enable_seqscan = off");
                }
            }
            Plans plans = new Plans(connection, backend().postgres());
            for (StatementLog.Statement statement : statements) {
                if (statement.sql().trim().toUpperCase(Locale.ROOT).startsWith("INSERT")) {
                    continue;
                }
                Plans.Plan plan = plans.explain(statement);
                plans.problem(statement.sql(), plan, judgeIndexes).ifPresent(p -> broken.add(when + ": " + p + "\n  "
                        + statement.sql() + "\n  plan: " + plan.text()));
            }
        }
        return broken;
    }
}
