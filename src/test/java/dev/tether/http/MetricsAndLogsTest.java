package dev.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.MetricsText;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /metrics} read by Prometheus's own text parser (the Python client's), its counters moving with
 * traffic; the JSON log and the request log's modes as a deployment gets them from {@code tether serve}.
 */
class MetricsAndLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prints every family of the text on stdin as JSON: name, type, samples. */
    private static final String PARSE = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families",
            "families = [{'name': f.name, 'type': f.type,",
            "             'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}",
            "            for f in text_string_to_metric_families(sys.stdin.read())]",
            "print(json.dumps(families))");

    @TempDir
    Path dir;

    private static Optional<String> pythonWithPrometheusClient() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (Programs.available(python, "-c", "import prometheus_client.parser")) {
                return Optional.of(python);
            }
        }
        return Optional.empty();
    }

    /** The families the parser read, by name; the parse fails the test if the text is not valid. */
    private Map<String, JsonNode> parse(String python, String text) throws Exception {
        Path metrics = dir.resolve("metrics.txt");
        Files.writeString(metrics, text);
        Programs.Result parsed = Programs.run(dir, List.of("sh", "-c", python + " -c \"$0\" < " + metrics, PARSE));
        assertThat(parsed.exitCode()).as("the Prometheus parser refused the text:\n%s", parsed.output()).isZero();
        Map<String, JsonNode> families = new HashMap<>();
        for (JsonNode family : JSON.readTree(parsed.output())) {
            families.put(family.path("name").asText(), family);
        }
        return families;
    }

    private static double sample(Map<String, JsonNode> families, String family, String sample,
                                 Map<String, String> labels) {
        JsonNode found = families.get(family);
        if (found == null) {
            return 0;
        }
        for (JsonNode s : found.path("samples")) {
            Map<String, String> have = new HashMap<>();
            s.path("labels").fields().forEachRemaining(e -> have.put(e.getKey(), e.getValue().asText()));
            if (s.path("name").asText().equals(sample) && have.entrySet().containsAll(labels.entrySet())) {
                return s.path("value").asDouble();
            }
        }
        return 0;
    }

    /** A little of everything: records processed and failed, a dry run, reads, a 404 and a 401. */
    private static void traffic(TestServer server, TestServer.Client client) {
        client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"u1\",\"profileData\":"
                + "{\"Phone\":\"+14155550100\"}},{\"type\":\"profile\",\"identity\":\"u2\",\"profileData\":"
                + "{\"Phone\":\"not a phone\"}}]}");
        client.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550100\"},"
                + "{\"type\":\"phone\",\"value\":\"+14155550199\"}]}");
        client.post("/1/disassociate?dryRun=1", "{\"d\":[{\"type\":\"phone\",\"value\":\"+14155550100\"}]}");
        for (int i = 0; i < 3; i++) {
            client.get("/1/profile.json?identity=u1");
        }
        client.get("/no/such/path/" + System.nanoTime());
        TestServer.send(server.request("/1/profile.json?identity=u1").GET());
    }

    private static String scrape(TestServer server) {
        return TestServer.send(server.request("/metrics").GET()).body();
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void metricsCounters_moveWithTraffic(Backend backend) {
        try (TestServer server = new TestServer(backend)) {
            TestServer.Client client = server.newAccount();
            String before = scrape(server);
            traffic(server, client);
            String after = scrape(server);
            String count = "http_server_requests_seconds_count";
            Map<String, String> reads = Map.of("uri", "/1/profile.json", "method", "GET", "status", "200");
            assertThat(MetricsText.value(after, count, reads) - MetricsText.value(before, count, reads)).isEqualTo(3);
            assertThat(MetricsText.value(after, count, Map.of("uri", "/1/profile.json", "method", "GET",
                    "status", "401"))).isEqualTo(1);
            assertThat(MetricsText.value(after, count, Map.of("uri", "NOT_FOUND", "method", "GET", "status", "404")))
                    .as("paths that match no route share one series").isEqualTo(1);
            assertThat(MetricsText.value(after, "tether_records_processed_total", Map.of("uri", "/1/upload")))
                    .isEqualTo(1);
            assertThat(MetricsText.value(after, "tether_records_failed_total", Map.of("uri", "/1/upload",
                    "code", "516"))).isEqualTo(1);
            assertThat(MetricsText.value(after, "tether_records_processed_total", Map.of("uri", "/1/disassociate")))
                    .as("the dry run is not counted").isEqualTo(1);
            assertThat(MetricsText.value(after, "tether_records_failed_total", Map.of("uri", "/1/disassociate",
                    "code", "543"))).isEqualTo(1);
            assertThat(after).as("the pools' gauges").contains("tether_db_connections{pool=")
                    .contains("state=\"active\"").contains("state=\"pending\"");
            assertThat(MetricsText.value(after, "tether_db_connections_max", !backend.postgres()
                    ? Map.of("pool", "sqlite-writer") : Map.of("pool", "postgresql")))
                    .as("the pool's size: SQLite's one writer, or the pool TestServer opens").isEqualTo(
                            !backend.postgres() ? 1 : 8);
            if (backend.postgres()) {
                assertThat(after).as("writes waiting at their account's share, where writers run at once")
                        .contains("# TYPE tether_writes_waiting gauge").contains("tether_writes_waiting 0.0");
            } else {
                assertThat(after).as("SQLite's one writer: no share").doesNotContain("tether_writes_waiting");
            }
        }
    }

    @Test
    void metrics_parseAsPrometheusText_withEveryFamilyTheDocsName() throws Exception {
        Optional<String> python = pythonWithPrometheusClient();
        assumeTrue(python.isPresent(), "Python's prometheus_client (Debian: python3-prometheus-client) is missing: "
                + "the metrics text is not checked by a Prometheus parser");
        try (TestServer server = new TestServer(Backend.SQLITE)) {
            traffic(server, server.newAccount());
            Map<String, JsonNode> families = parse(python.get(), scrape(server));
            String requests = "http_server_requests_seconds";
            assertThat(families.get(requests).path("type").asText()).isEqualTo("histogram");
            assertThat(sample(families, requests, requests + "_bucket", Map.of("uri", "/1/profile.json",
                    "status", "200", "le", "+Inf"))).isEqualTo(3);
            assertThat(sample(families, requests, requests + "_bucket", Map.of("uri", "/1/profile.json",
                    "status", "200", "le", "10.0"))).isEqualTo(3);
            assertThat(sample(families, "tether_records_failed", "tether_records_failed_total",
                    Map.of("uri", "/1/disassociate", "code", "543"))).isEqualTo(1);
            assertThat(families).containsKeys("tether_records_processed", "tether_db_connections",
                    "tether_db_connections_max", "tether_storage_retries", "jvm_memory_used_bytes",
                    "jvm_threads_live_threads", "jvm_gc_live_data_size_bytes", "process_cpu_usage",
                    "process_uptime_seconds",
                    "tether_webhook_attempts");
        }
    }

    @Test
    void metricsOff_hasNoMetricsEndpoint() {
        try (TestServer server = new TestServer(Backend.SQLITE, new Telemetry(false, RequestLog.ALL))) {
            assertThat(TestServer.send(server.request("/metrics").GET()).status()).isEqualTo(404);
            assertThat(TestServer.send(server.request("/health").GET()).status()).isEqualTo(200);
        }
    }

    private static List<JsonNode> requestLines(TetherProcess process) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : process.lines()) {
            if (line.startsWith("{")) {
                JsonNode json = JSON.readTree(line);
                if (json.path("logger").asText().equals("tether.requests")) {
                    lines.add(json);
                }
            }
        }
        return lines;
    }

    @Test
    void jsonLog_isOneObjectALine_withTheRequestsFields_andSampledKeepsErrorsAndOneInAHundred() throws Exception {
        try (TetherProcess server = TetherProcess.startLogging(dir, "serve", "--port", "0", "--db",
                "jdbc:sqlite:" + dir.resolve("t.db"), "--log-format", "json", "--request-log", "sampled")) {
            String base = "http://127.0.0.1:" + server.awaitReady();
            for (int i = 0; i < 250; i++) {
                TestServer.send(HttpRequest.newBuilder(URI.create(base + "/health")));
            }
            List<String> requestIds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                requestIds.add(TestServer.send(HttpRequest.newBuilder(URI.create(base + "/1/profile.json?identity=x"))
                        .header("X-CleverTap-Account-Id", "NO-SUCH").header("X-CleverTap-Passcode", "secret-" + i))
                        .header("X-Request-Id").orElseThrow());
            }
            Thread.sleep(300);
            assertThat(server.lines()).filteredOn(line -> line.contains("\"level\""))
                    .allSatisfy(line -> assertThat(JSON.readTree(line).isObject()).isTrue());
            List<JsonNode> logged = requestLines(server);
            assertThat(logged).filteredOn(line -> line.path("status").asInt() == 401)
                    .extracting(line -> line.path("request").asText()).as("each line names its answer's X-Request-Id")
                    .containsExactlyInAnyOrderElementsOf(requestIds);
            assertThat(logged).filteredOn(line -> line.path("status").asInt() == 401).hasSize(3)
                    .allSatisfy(line -> {
                        assertThat(line.path("method").asText()).isEqualTo("GET");
                        assertThat(line.path("path").asText()).isEqualTo("/1/profile.json");
                        assertThat(line.path("ms").isNumber()).isTrue();
                        assertThat(line.path("time").asText()).endsWith("Z");
                    });
            assertThat(logged).filteredOn(line -> line.path("status").asInt() == 200).hasSize(3);
            assertThat(String.join("\n", server.lines())).doesNotContain("secret-");
        }
    }

    @Test
    void requestLogOff_logsNoRequest_andMetricsOff_hasNoMetricsEndpoint() throws Exception {
        try (TetherProcess server = TetherProcess.startLogging(dir, "serve", "--port", "0", "--db",
                "jdbc:sqlite:" + dir.resolve("t.db"), "--log-format", "json", "--request-log", "off",
                "--metrics", "off")) {
            String base = "http://127.0.0.1:" + server.awaitReady();
            TestServer.send(HttpRequest.newBuilder(URI.create(base + "/no-such-path")));
            TestServer.send(HttpRequest.newBuilder(URI.create(base + "/health")));
            assertThat(TestServer.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))).status())
                    .isEqualTo(404);
            Thread.sleep(300);
            assertThat(requestLines(server)).isEmpty();
        }
    }

    @Test
    void badTelemetryValues_areUsageErrors() throws Exception {
        for (List<String> flags : List.of(List.of("--log-format", "xml"), List.of("--request-log", "some"),
                List.of("--metrics", "maybe"))) {
            List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--db",
                    "jdbc:sqlite:" + dir.resolve("t.db")));
            args.addAll(flags);
            try (TetherProcess server = TetherProcess.start(dir, args.toArray(String[]::new))) {
                assertThat(server.awaitExit()).isEqualTo(2);
                assertThat(String.join("\n", server.lines())).contains(flags.get(0));
            }
        }
    }
}
