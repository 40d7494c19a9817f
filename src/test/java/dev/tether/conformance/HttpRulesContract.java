package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.MetricsText;
import dev.tether.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** API.md section 1: authentication, error bodies, paths and parameters. None of the failures writes anything. */
abstract class HttpRulesContract extends ServerContract {


    @Test
    void authenticationFailures_are401_withCleverTapsBodies_andWriteNothing() {
        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        assertThat(post("/1/upload", UPLOAD, "Content-Type", "application/json").body())
                .isEqualTo("{\"status\":\"fail\",\"error\":\"Account ID is not valid\",\"code\":401}");
        assertError(post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", "ZZZ-ZZZ-ZZZZ",
                "X-CleverTap-Passcode", api.passcode()), 401, "Account ID is not valid");
        assertThat(post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", api.accountId(),
                "X-CleverTap-Passcode", "WRONG-WRONG").body())
                .isEqualTo("{\"status\":\"fail\",\"error\":\"Invalid Credentials\",\"code\":401}");
        assertError(post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", api.accountId()), 401, "Invalid Credentials");
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).isEqualTo(before);
    }

    @Test
    void revokedPasscode_failsOnTheNextRequest_whileAnotherStillWorks() {
        String second = server.accounts().addPasscode(api.accountId());
        assertThat(api.get("/1/profile.json?identity=x").status()).isEqualTo(404);
        server.accounts().revokePasscode(api.accountId(), api.passcode());
        assertError(api.get("/1/profile.json?identity=x"), 401, "Invalid Credentials");
        ApiResponse withSecond = TestServer.send(server.request("/1/profile.json?identity=x")
                .header("X-CleverTap-Account-Id", api.accountId()).header("X-CleverTap-Passcode", second));
        assertThat(withSecond.status()).isEqualTo(404);
    }

    @Test
    void accountOfAnotherRegion_is401_namingTheRegion() {
        var created = server.accounts().create(new AccountService.NewAccount("eu", "eu1", true, true,
                ConflictPolicy.REJECT));
        ApiResponse response = post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", created.account().id(),
                "X-CleverTap-Passcode", created.passcode());
        assertError(response, 401, null);
        assertThat(response.json().get("error").asText()).contains("eu1").contains("https://eu1.");
    }

    /**
     * A client that goes away mid-body (a Ctrl-C of the bulk tool) is no server failure: one line at info, a 499 in
     * the request meters (nginx's "client closed request"), {@code tether_requests_client_gone_total}, nothing
     * written, and no 5xx for an alert to fire on.
     */
    @Test
    void aClientGoneMidBody_isOneInfoLine_a499CountedApart_noServerError_andWritesNothing() throws Exception {
        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        double serverErrorsBefore = serverErrors("/1/upload");
        String partial = "{\"d\":[{\"type\":\"profile\",\"identity\":\"gone\",\"profileData\":{\"Name\":\"";
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        // the tests log warnings only; this line is at the level a deployment logs
        Logger serverLog = (Logger) LoggerFactory.getLogger("dev.tether.http.TetherServer");
        Level level = serverLog.getLevel();
        serverLog.setLevel(Level.INFO);
        try {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.getOutputStream().write(("POST /1/upload HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nX-CleverTap-Account-Id: " + api.accountId()
                        + "\r\nX-CleverTap-Passcode: " + api.passcode() + "\r\nContent-Length: 5000\r\n\r\n"
                        + partial).getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            for (int i = 0; i < 100 && !log.toString(StandardCharsets.UTF_8).contains("client gone"); i++) {
                Thread.sleep(50);
            }
            Thread.sleep(200); // a second line, were one written, would follow the first at once
        } finally {
            serverLog.setLevel(level);
            System.setErr(original);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged.lines().filter(line -> line.contains("client gone")).toList()).as(logged)
                .singleElement().satisfies(line -> assertThat(line).contains("INFO").contains("POST /1/upload"));
        assertThat(logged).doesNotContain("ERROR").doesNotContain("WARN").doesNotContain("incident")
                .doesNotContain("Exception");
        String metrics = TestServer.send(server.request("/metrics").GET()).body();
        assertThat(MetricsText.value(metrics, "tether_requests_client_gone_total", Map.of("uri", "/1/upload")))
                .isEqualTo(1);
        assertThat(MetricsText.value(metrics, "http_server_requests_seconds_count",
                Map.of("uri", "/1/upload", "method", "POST", "status", "499"))).isEqualTo(1);
        assertThat(serverErrors("/1/upload")).isEqualTo(serverErrorsBefore);
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).isEqualTo(before);
    }

    /** Requests to that endpoint answered with any 5xx so far, by the server's own meters. */
    private double serverErrors(String uri) {
        String metrics = TestServer.send(server.request("/metrics").GET()).body();
        double sum = 0;
        for (String status : MetricsText.labelValues(metrics, "http_server_requests_seconds_count", "status")) {
            if (status.startsWith("5")) {
                sum += MetricsText.value(metrics, "http_server_requests_seconds_count",
                        Map.of("uri", uri, "method", "POST", "status", status));
            }
        }
        return sum;
    }

    @Test
    void unexpectedError_is500_withAnIncidentIdThatIsInTheLog_andNoStackTrace() throws Exception {
        api.post("/1/upload", batch(profile("identity", "broken", "{}")));
        try (Connection db = DriverManager.getConnection(server.databaseUrl());
             PreparedStatement corrupt = db.prepareStatement(
                     "UPDATE profiles SET properties = 'not json' WHERE account_id = ?")) {
            corrupt.setString(1, api.accountId());
            corrupt.executeUpdate();
        }
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ApiResponse response;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            response = api.get("/1/profile.json?identity=broken");
        } finally {
            System.setErr(original);
        }
        assertError(response, 500, null);
        String incident = response.json().get("incident").asText();
        assertThat(incident).matches("[0-9a-f]{16}");
        assertThat(response.json().get("error").asText()).contains(incident);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.tether");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("incident " + incident).contains("Exception");
    }

    @Test
    void storageOutage_is503_andWritesNothing_andServiceComesBack() throws Exception {
        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        ApiResponse during;
        try (AutoCloseable outage = backend().outage(server.databaseUrl())) {
            during = api.post("/1/upload", UPLOAD);
        }
        assertError(during, 503, null);
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).isEqualTo(before);
        // back by itself: a server that saw the database down fails fast for a moment, then probes it again
        ApiResponse after = api.post("/1/upload", UPLOAD);
        for (int i = 0; i < 50 && after.status() == 503; i++) {
            Thread.sleep(100);
            after = api.post("/1/upload", UPLOAD);
        }
        assertThat(after.json().get("status").asText()).as(after.body()).isEqualTo("success");
    }


    /**
     * Every answer names its request: a fresh id each time, or a proxy's own X-Request-Id when it is safe to echo
     * and log; an unsafe one is replaced, never echoed.
     */
    @Test
    void everyAnswer_carriesARequestId_freshOrTheProxysWhenSafe() {
        List<ApiResponse> answers = List.of(api.post("/1/upload", UPLOAD), api.get("/1/profile.json?identity=nobody"),
                post("/1/upload", UPLOAD), TestServer.send(server.request("/health").GET()),
                TestServer.send(server.request("/1/nowhere").GET()),
                TestServer.send(server.request("/1/upload").method("DELETE", HttpRequest.BodyPublishers.noBody())));
        assertThat(answers).extracting(ApiResponse::status).containsExactly(200, 404, 401, 200, 404, 405);
        List<String> ids = answers.stream().map(answer -> answer.header("X-Request-Id").orElse("missing")).toList();
        assertThat(ids).allMatch(id -> id.matches("[0-9a-f]{32}")).doesNotHaveDuplicates();

        for (String safe : List.of("7f3c2a", "Root=1-67891233-abcdef012345678912345678", "req_42.a:b/c+d@e",
                "x".repeat(128))) {
            assertThat(post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", api.accountId(), "X-CleverTap-Passcode",
                    api.passcode(), "Content-Type", "application/json", "X-Request-Id", safe).header("X-Request-Id"))
                    .as(safe).contains(safe);
        }
        for (String unsafe : List.of("two words", "x".repeat(129), "<script>", "a;b", "a,b", "-", ".hidden")) {
            String answered = TestServer.send(server.request("/health").header("X-Request-Id", unsafe).GET())
                    .header("X-Request-Id").orElseThrow();
            assertThat(answered).as(unsafe).matches("[0-9a-f]{32}");
        }
    }
}
