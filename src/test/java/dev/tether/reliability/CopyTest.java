package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.cli.TetherCli;
import dev.tether.config.Limits;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.Cli;
import dev.tether.testing.RunSize;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether copy}: a database with every kind of row (profiles, identities and their history, merges, a
 * disassociation, a delete, events, subscriptions, idempotency keys, a webhook endpoint and its undelivered
 * messages) copied SQLite to PostgreSQL, to partitioned PostgreSQL, and back to SQLite: at each step the same
 * passcodes work, every read answers the same, a key's answer is given again, and the copy says "copied and
 * verified". A target with accounts is refused, a copy killed mid-way goes on when run again, and a row changed in
 * the target is named.
 */
class CopyTest {
    /** The people of the copy that every read is compared across (the bench's size in full runs). */
    private static final int PEOPLE = RunSize.pick(60, 100_000);
    /** The people of the tests of one rule each (a refusal, a resume, a run of key attempts, the outbox). */
    private static final int FEW = 60;

    /**
     * What a client reads: each answer by its request, of 300 people spread over all and those the fill changed, an
     * events count, and the whole export of the events and of the profiles that did them.
     */
    private static Map<String, String> reads(TestServer server, String account, String passcode) {
        Map<String, String> answers = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        SortedSet<Integer> people = new TreeSet<>(List.of(1, 2, 3, 5, 7, 9, 11, 13));
        for (int i = 0; i < PEOPLE; i += Math.max(1, PEOPLE / 300)) {
            people.add(i);
        }
        for (int i : people) {
            paths.add("/1/profile.json?identity=p-" + i);
            paths.add("/1/identity/history.json?phone=" + phone(i));
        }
        paths.add("/1/identity/history.json?identity=p-3");
        for (String path : paths) {
            ApiResponse answer = get(server.baseUrl(), path, account, passcode);
            answers.put(path, answer.status() + " " + answer.body());
        }
        ApiResponse count = TestServer.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                + "/1/counts/events.json")).header("X-CleverTap-Account-Id", account)
                .header("X-CleverTap-Passcode", passcode).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event_name\":\"Seen\",\"from\":20200101,"
                        + "\"to\":20991231}")));
        answers.put("count", count.body());
        answers.put("events export", exported(server.baseUrl(), "/1/events.json", account, passcode));
        answers.put("profiles export", exported(server.baseUrl(), "/1/profiles.json", account, passcode));
        return answers;
    }

    /** Every record of an export of the Seen events (or of the profiles that did one), page by page, in its order. */
    private static String exported(String base, String path, String account, String passcode) {
        ApiResponse started = TestServer.send(HttpRequest.newBuilder(URI.create(base + path + "?batch_size=5000"))
                .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"event_name\":\"Seen\",\"from\":20200101,\"to\":20991231}")));
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        StringBuilder records = new StringBuilder();
        JsonNode page = started.json();
        String cursor = page.get("cursor").asText();
        while (cursor != null) {
            ApiResponse next = get(base, path + "?cursor=" + cursor, account, passcode);
            assertThat(next.status()).as(next.body()).isEqualTo(200);
            page = next.json();
            page.get("records").forEach(record -> records.append(record).append('\n'));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
        }
        return records.toString();
    }

    private static ApiResponse get(String base, String path, String account, String passcode) {
        return TestServer.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode).GET());
    }

    private static String phone(int i) {
        return "+1415" + String.format("%07d", 5_550_000 + i);
    }

    private static final String KEYED = "{\"d\":[{\"type\":\"profile\",\"identity\":\"keyed\",\"profileData\":{\"K\":1}}]}";

    /** Fills the database: two accounts, every kind of row. Answers the account, its passcode and its reads. */
    private static String[] fill(String url, int people) throws Exception {
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            TestServer.Client a = server.newAccount(true, true, ConflictPolicy.MERGE);
            TestServer.Client b = server.newAccount();
            for (int from = 0; from < people; from += 500) {
                StringBuilder body = new StringBuilder("{\"d\":[");
                int to = Math.min(people, from + 500);
                for (int i = from; i < to; i++) {
                    body.append(i == from ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"p-").append(i)
                            .append("\",\"profileData\":{\"Phone\":\"").append(phone(i)).append("\",\"Score\":")
                            .append(i).append(",\"Tags\":[\"a\",\"b\"],\"Vip\":").append(i % 2 == 0).append("}},")
                            .append("{\"type\":\"event\",\"identity\":\"p-").append(i)
                            .append("\",\"evtName\":\"Seen\",\"evtData\":{\"n\":").append(i).append("}}");
                }
                assertThat(a.post("/1/upload", body.append("]}").toString()).json().get("processed").asInt())
                        .isEqualTo(2 * (to - from));
            }
            // a merge: p-1 claims p-2's number
            assertThat(a.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"p-1\",\"profileData\":"
                    + "{\"Phone\":\"" + phone(2) + "\"}}]}").json().get("processed").asInt()).isEqualTo(1);
            assertThat(a.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + phone(5) + "\"}]}")
                    .json().get("processed").asInt()).isEqualTo(1);
            assertThat(a.post("/1/delete/profiles.json", "{\"identity\":\"p-7\"}").json().get("processed").asInt())
                    .isEqualTo(1);
            assertThat(a.post("/1/subscribe", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + phone(9)
                    + "\",\"status\":\"Unsubscribe\"}]}").json().get("processed").asInt()).isEqualTo(1);
            assertThat(a.post("/1/upload", KEYED, "Idempotency-Key", "copy-key-1").status()).isEqualTo(200);
            assertThat(b.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"other\",\"profileData\":"
                    + "{\"Email\":\"o@x.co\"}}]}").json().get("processed").asInt()).isEqualTo(1);
            // an endpoint nobody answers: its messages stay undelivered
            server.webhooks().add(a.accountId(), "http://127.0.0.1:9/hook", List.of());
            assertThat(a.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + phone(11) + "\"}]}")
                    .json().get("processed").asInt()).isEqualTo(1);
            assertThat(server.violations()).isEmpty();
            return new String[] {a.accountId(), a.passcode()};
        }
    }

    private static Map<String, String> readsOf(String url, String account, String passcode) {
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            Map<String, String> reads = reads(server, account, passcode);
            ApiResponse again = TestServer.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/1/upload"))
                    .header("X-CleverTap-Account-Id", account).header("X-CleverTap-Passcode", passcode)
                    .header("Content-Type", "application/json").header("Idempotency-Key", "copy-key-1")
                    .POST(HttpRequest.BodyPublishers.ofString(KEYED)));
            reads.put("replay", again.status() + " " + again.headers().firstValue("Idempotent-Replayed").orElse("-")
                    + " " + again.body());
            return reads;
        }
    }


    @Test
    void sqliteToPostgresToPartitionedAndBack_everyReadTheSame_thePasscodesWork_andKeysAnswerAgain() throws Exception {
        String sqlite = Backend.SQLITE.newDatabaseUrl();
        String[] account = fill(sqlite, PEOPLE);
        Map<String, String> before;
        try (TestServer server = new TestServer(sqlite, Limits.defaults())) {
            before = reads(server, account[0], account[1]);
        }
        assertThat(before.get("/1/profile.json?identity=p-1")).startsWith("200 ").contains(phone(2));
        assertThat(before.get("/1/profile.json?identity=p-7")).startsWith("404 ");
        assertThat(before.get("events export").lines()).as("every event but the deleted profile's").hasSize(PEOPLE - 1);
        assertThat(before.get("profiles export").lines()).as("one a profile of the events export")
                .hasSize((int) before.get("events export").lines().map(line -> line.replaceFirst(
                        "^\\{\"objectId\":\"([0-9a-f]+)\".*", "$1")).distinct().count());

        String postgres = Backend.POSTGRES.newDatabaseUrl();
        String partitioned = Backend.POSTGRES_PARTITIONED.newDatabaseUrl();
        String back = Backend.SQLITE.newDatabaseUrl();
        String from = sqlite;
        for (String to : List.of(postgres, partitioned, back)) {
            Cli.Result copied = Cli.run("copy", "--from", from, "--to", to, "--batch-size", "17");
            assertThat(copied.exit()).as(copied.out() + copied.err()).isZero();
            assertThat(copied.out()).startsWith("copied and verified: 14 tables");
            Map<String, String> after = readsOf(to, account[0], account[1]);
            assertThat(after.get("replay")).startsWith("200 true ");
            after.remove("replay");
            assertThat(after).as("every read on " + to).isEqualTo(before);
            assertThat(tables(to)).doesNotContain("tether_copy_progress");
            from = to;
        }
    }

    @Test
    void aTargetWithAccounts_isRefused_andARowChangedInTheTarget_isNamed() throws Exception {
        String source = Backend.SQLITE.newDatabaseUrl();
        fill(source, FEW);
        String target = Backend.POSTGRES.newDatabaseUrl();
        assertThat(Cli.run("copy", "--from", source, "--to", target).exit()).isZero();

        Cli.Result refused = Cli.run("copy", "--from", source, "--to", target);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("the target already holds accounts");

        try (Connection connection = DriverManager.getConnection(target);
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE events SET data = '{\"n\":999}' WHERE event_id = (SELECT min(event_id)"
                    + " FROM events)");
        }
        Cli.Result verified = Cli.run("copy", "--from", source, "--to", target, "--verify-only");
        assertThat(verified.exit()).isEqualTo(1);
        assertThat(verified.out()).contains("differs: events (").contains("other content");
    }

    @Test
    void aRunOfAttemptsWithOneKey_acrossBatchEnds_isCopiedWhole_andAMissingSourceIsRefused() throws Exception {
        String source = Backend.SQLITE.newDatabaseUrl();
        fill(source, FEW);
        try (Connection connection = DriverManager.getConnection(source);
             Statement statement = connection.createStatement()) {
            for (int i = 0; i < 7; i++) {
                statement.executeUpdate("INSERT INTO webhook_attempts (endpoint_id, seq, attempt, message_id, type,"
                        + " attempted_at, duration_ms, http_status, error, outcome) VALUES ('e1', 16777216, 1, 'm" + i
                        + "', 'identity.unbound', 1, 1, NULL, 'refused', 'retrying')");
            }
        }
        Cli.Result copied = Cli.run("copy", "--from", source, "--to", Backend.POSTGRES.newDatabaseUrl(), "--batch-size",
                "3");
        assertThat(copied.exit()).as(copied.out() + copied.err()).isZero();
        assertThat(copied.err()).contains("copied webhook_attempts: " + Cli.count(source,
                "SELECT count(*) FROM webhook_attempts") + " rows");

        Cli.Result missing = Cli.run("copy", "--from", "jdbc:sqlite:/nonexistent/tether.db", "--to",
                Backend.POSTGRES.newDatabaseUrl());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no database at /nonexistent/tether.db");
    }

    @Test
    void aCopyKilledMidway_goesOnWhenRunAgain_andEndsVerified_butNotFromAnotherSource(@TempDir Path dir)
            throws Exception {
        String source = Backend.SQLITE.newDatabaseUrl();
        fill(source, FEW);
        String target = Backend.POSTGRES.newDatabaseUrl();
        try (TetherProcess first = TetherProcess.start(dir, "copy", "--from", source, "--to", target,
                "--batch-size", "1")) {
            long copied = 0;
            for (int i = 0; i < 1000 && copied == 0; i++) {
                Thread.sleep(20);
                copied = copiedEvents(target);
            }
            assertThat(copied).as("the copy had begun the events").isPositive();
            first.kill();
        }
        assertThat(tables(target)).contains("tether_copy_progress");
        String other = Backend.SQLITE.newDatabaseUrl();
        fill(other, FEW);
        Cli.Result mixed = Cli.run("copy", "--from", other, "--to", target);
        assertThat(mixed.exit()).isEqualTo(1);
        assertThat(mixed.err()).contains("the target holds a copy in progress of another database (" + source + ")");
        Cli.Result again = Cli.run("copy", "--from", source, "--to", target);
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).startsWith("copied and verified");
    }

    /** Each backend numbers the outbox its own way; a copy carries the numbering past the messages it copied. */
    @Test
    void theOutboxNumbering_goesOnAfterTheCopiedMessages_onEachBackend() throws Exception {
        String source = Backend.SQLITE.newDatabaseUrl();
        String[] account = fill(source, FEW);
        String postgres = Backend.POSTGRES.newDatabaseUrl();
        String back = Backend.SQLITE.newDatabaseUrl();
        assertThat(Cli.run("copy", "--from", source, "--to", postgres).exit()).isZero();
        assertThat(Cli.run("copy", "--from", postgres, "--to", back).exit()).isZero();
        for (String url : List.of(postgres, back)) {
            long last = lastSeq(url);
            assertThat(last).as("the undelivered messages came along").isPositive();
            try (TestServer server = new TestServer(url, Limits.defaults())) {
                ApiResponse cut = TestServer.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/1/disassociate")).header("X-CleverTap-Account-Id", account[0])
                        .header("X-CleverTap-Passcode", account[1]).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"d\":[{\"type\":\"phone\",\"value\":\""
                                + phone(13) + "\"}]}")));
                assertThat(cut.json().get("processed").asInt()).isEqualTo(1);
            }
            assertThat(lastSeq(url)).as("a new message after the copied ones on " + url).isGreaterThan(last);
        }
    }


    private static long lastSeq(String url) throws SQLException {
        return Cli.count(url, "SELECT coalesce(max(last_seq), 0) FROM webhook_outbox");
    }

    private static long copiedEvents(String url) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT copied FROM tether_copy_progress WHERE table_name ="
                     + " 'events'")) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException notYet) {
            return 0;
        }
    }

    private static List<String> tables(String url) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rows = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                names.add(rows.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
