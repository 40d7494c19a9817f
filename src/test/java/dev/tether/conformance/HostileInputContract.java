package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.Backend;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.OpenApiDocument;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input, over 200 cases: each gets its documented 4xx JSON error or per-record code, the server stays
 * healthy, and nothing is written (checked on every table after all cases). Cases that sit exactly at a limit are
 * sent with {@code dryRun=1}: they must be accepted, and still write nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileInputContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String P = "+919213231415";

    protected abstract Backend backend();

    TestServer server;
    TestServer.Client api;
    private List<String> before;

    /**
     * One hostile request and what it must get: an HTTP status with the error shape, or (status 200) a batch whose
     * only record fails with {@code recordCode}, or (recordCode 0, status 200) an accepted dry run.
     */
    record Case(String name, String method, String path, String contentType, byte[] body, int status, int recordCode) {
        Case withCode(int code) {
            return new Case(name, method, path, contentType, body, status, code);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() {
        server = new TestServer(backend());
        api = server.newAccount();
        // one profile whose number the disassociate cases must not cut
        api.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"victim\",\"profileData\":{\"Phone\":\""
                + P + "\"}}]}");
        before = DataSnapshot.of(server.databaseUrl());
    }

    private static Case request(String name, String path, String body, int status) {
        return new Case(name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), status, 0);
    }

    private static Case raw(String name, String path, byte[] body, int status) {
        return new Case(name, "POST", path, "application/json", body, status, 0);
    }

    private static Case upload(String name, String record, int code) {
        return request(name, "/1/upload", "{\"d\":[" + record + "]}", 200).withCode(code);
    }

    private static Case disassociate(String name, String record, int code) {
        return request(name, "/1/disassociate", "{\"d\":[" + record + "]}", 200).withCode(code);
    }

    private static Case atLimit(String name, String record) {
        return request(name, "/1/upload?dryRun=1", "{\"d\":[" + record + "]}", 200);
    }

    private static String profile(String profileData) {
        return "{\"type\":\"profile\",\"identity\":\"h\",\"profileData\":" + profileData + "}";
    }

    private static String event(String name, String data) {
        return "{\"type\":\"event\",\"identity\":\"h\",\"evtName\":" + name + ",\"evtData\":" + data + "}";
    }

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    private static String keys(int n) {
        StringBuilder body = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        return body.append("}").toString();
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String deepArrays = repeat("[", 10_000) + repeat("]", 10_000);
        String deepObjects = repeat("{\"a\":", 10_000) + "1" + repeat("}", 10_000);
        StringBuilder records1001 = new StringBuilder("{\"d\":[");
        for (int i = 0; i < 1001; i++) {
            records1001.append(i == 0 ? "" : ",").append(profile("{}"));
        }
        records1001.append("]}");
        // the envelope, on every endpoint that takes a JSON body
        for (String path : List.of("/1/upload", "/1/disassociate", "/1/delete/profiles.json")) {
            for (String body : List.of("", " ", "{", "{\"d\":[", "{\"d\":[{\"type\":", "nul", "null", "true", "123",
                    "\"d\"", "[]", "[{}]", "{\"d\":[]}x", "{\"d\":[]}{\"d\":[]}", "{\"d\":[],\"d\":[]}", "{'d':[]}",
                    "{\"d\":[NaN]}", "{\"d\":[1,]}", "/* comment */ {\"d\":[]}", "{\"d\":[\"\u0001\"]}",
                    "{\"d\":[\"a\tb\"]}", "{\"d\":[0x10]}", "{\"d\":[01]}", "{\"d\" \"x\"}", "{d:[]}", deepArrays,
                    "{\"d\":" + deepArrays + "}", deepObjects)) {
                cases.add(request(path + " body " + abbreviate(body), path, body, 400));
            }
            cases.add(raw(path + " invalid UTF-8", path, new byte[] {'{', '"', 'd', '"', ':', '[', '"', (byte) 0xff,
                    (byte) 0xfe, '"', ']', '}'}, 400));
            cases.add(raw(path + " overlong UTF-8", path, new byte[] {'{', '"', 'd', '"', ':', '[', '"', (byte) 0xc0,
                    (byte) 0x80, '"', ']', '}'}, 400));
            cases.add(raw(path + " truncated UTF-8", path, new byte[] {'{', '"', 'd', '"', ':', '[', '"', (byte) 0xe2,
                    (byte) 0x82}, 400));
            cases.add(new Case(path + " text/plain", "POST", path, "text/plain", "{\"d\":[]}".getBytes(), 415, 0));
            cases.add(new Case(path + " xml", "POST", path, "application/xml", "<d/>".getBytes(), 415, 0));
            cases.add(new Case(path + " by GET", "GET", path, null, null, 405, 0));
            cases.add(new Case(path + " by PUT", "PUT", path, "application/json", "{}".getBytes(), 405, 0));
            cases.add(new Case(path + " by DELETE", "DELETE", path, null, null, 405, 0));
        }
        for (String path : List.of("/1/upload", "/1/disassociate")) {
            for (String body : List.of("{}", "{\"d\":null}", "{\"d\":{}}", "{\"d\":\"x\"}", "{\"d\":1}", "{\"d\":[]}",
                    "{\"e\":[1]}", records1001.toString())) {
                cases.add(request(path + " envelope " + abbreviate(body), path, body, 400));
            }
        }
        // upload records: each fails with its code
        for (String record : List.of("1", "\"x\"", "null", "[]", "true", "{}", "{\"type\":1}", "{\"type\":\"Profile\"}",
                "{\"type\":\"admin\",\"identity\":\"h\"}", "{\"type\":\"profile\\u0000\",\"identity\":\"h\"}")) {
            cases.add(upload("record " + record, record, 524));
        }
        for (String user : List.of("", "\"identity\":\"\"", "\"identity\":null", "\"identity\":{}", "\"identity\":[]",
                "\"identity\":true", "\"identity\":\"\\u0000\"", "\"identity\":\"" + repeat("x", 513) + "\"",
                "\"FBID\":{}", "\"GPID\":[]")) {
            String record = "{\"type\":\"profile\"" + (user.isEmpty() ? "" : "," + user) + ",\"profileData\":{}}";
            cases.add(upload("user " + abbreviate(user), record, 523));
        }
        for (String objectId : List.of("\"a b\"", "\"" + repeat("x", 65) + "\"", "123", "\"../../etc/passwd\"",
                "\"'; DROP TABLE profiles;--\"", "\"\"", "{}", "\"\\u0000\"", "\"<script>\"", "\"a%20b\"")) {
            cases.add(upload("objectId " + abbreviate(objectId), "{\"type\":\"profile\",\"objectId\":" + objectId
                    + ",\"profileData\":{}}", 526));
        }
        for (String ts : List.of("\"x\"", "-1", "0", "1.5", "1e400", "99999999999999999999999", "true", "{}",
                "\"1700000000\"", "-9223372036854775809")) {
            cases.add(upload("ts " + ts, "{\"type\":\"profile\",\"identity\":\"h\",\"ts\":" + ts
                    + ",\"profileData\":{}}", 525));
        }
        for (String data : List.of("null", "[]", "\"x\"", "1", "true")) {
            cases.add(upload("profileData " + data, "{\"type\":\"profile\",\"identity\":\"h\",\"profileData\":" + data
                    + "}", 546));
        }
        cases.add(upload("profileData missing", "{\"type\":\"profile\",\"identity\":\"h\"}", 546));
        Object[][] standard = {
            {"{\"Gender\":\"X\"}", 514}, {"{\"Gender\":1}", 514}, {"{\"Email\":\"not-an-email\"}", 515},
            {"{\"Email\":\"a@b\"}", 515}, {"{\"Email\":1}", 515}, {"{\"Phone\":\"12\"}", 516},
            {"{\"Phone\":\"abc\"}", 516}, {"{\"Phone\":12345678901234567890123}", 516},
            {"{\"Phone\":\"+999999999999999999999\"}", 516}, {"{\"Phone\":\"\\u0000+919213231415\"}", 516},
            {"{\"Employed\":\"maybe\"}", 517}, {"{\"Education\":\"PhD\"}", 518}, {"{\"Married\":1}", 519},
            {"{\"Age\":\"old\"}", 520}, {"{\"MSG-sms\":\"yes\"}", 549}, {"{\"MSG-push\":1}", 549},
            {"{\"Identity\":{}}", 548}, {"{\"Identity\":\"\"}", 523},
        };
        for (Object[] c : standard) {
            cases.add(upload("standard " + c[0], profile((String) c[0]), (Integer) c[1]));
        }
        String key120 = repeat("k", 120);
        String value512 = repeat("v", 512);
        Object[][] sizes = {
            {"{\"" + key120 + "k\":1}", 547}, {"{\"" + repeat("é", 61) + "\":1}", 547},
            {"{\"s\":\"" + value512 + "v\"}", 547}, {"{\"s\":\"" + repeat("é", 257) + "\"}", 547},
            {"{\"\":1}", 547}, {keys(257), 547}, {"{\"t\":{\"$add\":[\"" + value512 + "v\"]}}", 547},
            {"{\"s\":{\"$incr\":\"x\"}}", 548}, {"{\"s\":{\"$add\":\"x\"}}", 548}, {"{\"s\":{\"$foo\":1}}", 548},
            {"{\"s\":{\"$incr\":1,\"$decr\":1}}", 548}, {"{\"s\":{}}", 548}, {"{\"s\":null}", 548},
            {"{\"s\":{\"$set\":{}}}", 548}, {"{\"Name\":{\"$incr\":1}}", 548}, {"{\"s\":\"$D_abc\"}", 548},
            {"{\"s\":[{}]}", 548}, {"{\"s\":\"\\u0000\"}", 551}, {"{\"s\":\"a\\u0007b\"}", 551},
            {"{\"s\\u0000\":1}", 551}, {"{\"s\":\"\\ud800\"}", 551}, {"{\"s\":\"\\udc00x\"}", 551},
            {"{\"s\":99999999999999999999999}", 551}, {"{\"s\":1e400}", 551}, {"{\"s\":-1e400}", 551},
            {"{\"s\":[\"ok\",\"\\u001b[31m\"]}", 551}, {"{\"s\":{\"$incr\":1e999}}", 551},
        };
        for (Object[] c : sizes) {
            cases.add(upload("profileData " + abbreviate((String) c[0]), profile((String) c[0]), (Integer) c[1]));
        }
        Object[][] events = {
            {event("null", "{}"), 509}, {event("\"\"", "{}"), 509}, {event("\" \"", "{}"), 509},
            {event("1", "{}"), 509}, {event("{}", "{}"), 509}, {event("\"App Launched\"", "{}"), 513},
            {event("\"Notification Viewed\"", "{}"), 513}, {event("\"e\"", "\"x\""), 522}, {event("\"e\"", "[]"), 522},
            {event("\"e\"", "1"), 522}, {event("\"e\"", keys(257)), 522},
            {event("\"e\"", "{\"" + key120 + "k\":1}"), 547}, {event("\"e\"", "{\"v\":\"" + value512 + "v\"}"), 547},
            {event("\"e\"", "{\"Items\":[{\"n\":\"" + value512 + "v\"}]}"), 547},
            {event("\"e\\u0000\"", "{}"), 551}, {event("\"e\"", "{\"v\":\"\\u0000\"}"), 551},
            {event("\"e\"", "{\"v\":99999999999999999999999}"), 551},
            {"{\"type\":\"event\",\"evtName\":\"e\",\"evtData\":{}}", 523},
        };
        for (Object[] c : events) {
            cases.add(upload("event " + abbreviate((String) c[0]), (String) c[0], (Integer) c[1]));
        }
        // exactly at each limit: accepted (dry run)
        cases.add(atLimit("key of 120 bytes", profile("{\"" + key120 + "\":1}")));
        cases.add(atLimit("key of 120 bytes in two-byte letters", profile("{\"" + repeat("é", 60) + "\":1}")));
        cases.add(atLimit("value of 512 bytes", profile("{\"s\":\"" + value512 + "\"}")));
        cases.add(atLimit("256 custom keys", profile(keys(256))));
        cases.add(atLimit("evtData of 256 keys", event("\"e\"", keys(256))));
        cases.add(atLimit("largest long", profile("{\"s\":9223372036854775807}")));
        cases.add(atLimit("SQL in a value", profile("{\"s\":\"'; DROP TABLE profiles; --\"}")));
        cases.add(atLimit("script in a value", profile("{\"Name\":\"<script>alert(1)</script>\"}")));
        cases.add(atLimit("SQL as the identity", "{\"type\":\"profile\",\"identity\":\"' OR 1=1 --\",\"profileData\":{}}"));
        cases.add(atLimit("tab and newline are text", profile("{\"s\":\"a\\tb\\nc\\r\"}")));
        cases.add(atLimit("emoji", profile("{\"s\":\"\\ud83d\\ude00\"}")));
        StringBuilder full = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            full.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"bulk").append(i)
                    .append("\",\"profileData\":{}}");
        }
        cases.add(new Case("1000 records", "POST", "/1/upload?dryRun=1", "application/json",
                ("{\"d\":[" + full + "]}").getBytes(StandardCharsets.UTF_8), 200, 0));
        // disassociate records
        for (String record : List.of("1", "null", "[]", "\"phone\"", "{}", "{\"type\":\"email\",\"value\":\"a@b.co\"}",
                "{\"type\":1,\"value\":\"" + P + "\"}", "{\"type\":null}", "{\"type\":[\"phone\"]}",
                "{\"type\":\"phone\\u0000\",\"value\":\"" + P + "\"}")) {
            cases.add(disassociate("disassociate record " + record, record, 541));
        }
        for (String value : List.of("", ",\"value\":null", ",\"value\":1", ",\"value\":12345678901234567890123",
                ",\"value\":\"12\"", ",\"value\":\"abc\"", ",\"value\":\"+1\"", ",\"value\":\"+9999999999999999999999\"",
                ",\"value\":\"\\u0000" + P + "\"", ",\"value\":{}", ",\"value\":[\"" + P + "\"]",
                ",\"value\":\"" + repeat("9", 10_000) + "\"", ",\"value\":\"' OR 1=1 --\"")) {
            cases.add(disassociate("disassociate value " + abbreviate(value), "{\"type\":\"phone\"" + value + "}", 516));
        }
        cases.add(disassociate("unbound number", "{\"type\":\"phone\",\"value\":\"+15550001234\"}", 543));
        // delete
        for (String body : List.of("{}", "{\"identity\":\"victim\",\"guid\":\"x\"}", "{\"identity\":[]}",
                "{\"identity\":null}", "{\"identity\":{}}", "{\"identity\":[\"victim\",{}]}", "{\"identity\":\"\"}",
                "{\"guid\":\"a b\"}", "{\"guid\":\"\\u0000\"}", "{\"guid\":[1.5]}", "{\"guid\":\"" + repeat("x", 65) + "\"}",
                "{\"identity\":[" + String.join(",", java.util.Collections.nCopies(101, "\"victim\"")) + "]}")) {
            cases.add(request("delete " + abbreviate(body), "/1/delete/profiles.json", body, 400));
        }
        // profile reads
        for (String query : List.of("", "?", "?identity=", "?identity=a&email=b@x.co", "?nothing=1",
                "?identity=a&phone=" + P)) {
            cases.add(new Case("read " + query, "GET", "/1/profile.json" + query, null, null, 400, 0));
        }
        for (String query : List.of("identity=%00", "objectId=../../etc/passwd", "objectId=%00", "phone=abc",
                "email=%27%20OR%201=1%20--", "identity=%27%20OR%201=1%20--", "objectId=" + repeat("x", 65),
                "identity=" + repeat("x", 5000), "phone=%2B" + repeat("9", 200), "identity=%C0%80",
                "identity=%E2%82", "objectId=%3Cscript%3E", "email=a%00@x.co", "identity=victim%00")) {
            cases.add(new Case("read " + abbreviate(query), "GET", "/1/profile.json?" + query, null, null, 404, 0));
        }
        for (String query : List.of("identity=%ZZ", "identity=%", "identity=%2")) {
            cases.add(new Case("read " + query, "GET", "/1/profile.json?" + query, null, null, 400, 0));
        }
        // paths
        for (String path : List.of("/1/../1/upload", "/2/upload", "/1/upload.json", "/1/profile.json/x", "/admin",
                "/1/delete", "/1/delete/profiles", "/1/upload%2F..", "/1/%2e%2e/upload")) {
            cases.add(new Case("path " + path, "POST", path, "application/json", "{}".getBytes(), 404, 0));
        }
        for (String path : List.of("/1/%00", "/1/%ZZ")) {
            cases.add(new Case("ambiguous path " + path, "POST", path, "application/json", "{}".getBytes(), 400, 0));
        }
        return cases.stream();
    }

    private static String abbreviate(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
        return shown.replaceAll("[\\x00-\\x1f]", "?");
    }

    /**
     * The cases this binding runs. The contract, bound to each backend, runs those that reach the store: records
     * refused with their code inside a batch's transaction, and dry runs at a limit. The request-level refusals
     * (4xx before any transaction) run once, in {@code HostileRequestsTest}.
     */
    protected boolean runs(Case c) {
        return c.status() == 200;
    }

    Stream<Case> selectedCases() {
        return cases().filter(this::runs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selectedCases")
    void hostileRequest_getsItsDocumentedError(Case c) throws Exception {
        int status;
        String body;
        if (isValidUri(c.path())) {
            HttpRequest request = build(c);
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            body = response.body();
            OpenApiDocument.get().assertDescribes(OpenApiDocument.Exchange.of(c.method(), request.uri(),
                    TestServer.bodyOf(request), response));
        } else {
            String answer = rawExchange(c);
            OpenApiDocument.Exchange exchange = OpenApiDocument.Exchange.ofRaw(c.method(),
                    URI.create(server.baseUrl() + "/"), answer);
            status = exchange.status();
            body = exchange.responseBody();
            assertThat(exchange.header("X-Request-Id")).as("Jetty's own answers carry an id too").isPresent();
            String path = c.path().split("\\?")[0];
            if (isValidUri(path)) {
                OpenApiDocument.get().assertDescribes(OpenApiDocument.Exchange.ofRaw(c.method(),
                        URI.create(server.baseUrl() + path), answer));
            }
        }
        assertThat(status).as(body).isEqualTo(c.status());
        JsonNode json = JSON.readTree(body);
        if (c.status() != 200) {
            assertThat(json.get("status").asText()).isEqualTo("fail");
            assertThat(json.get("code").asInt()).isEqualTo(c.status());
            assertThat(json.get("error").asText()).isNotBlank();
        } else if (c.recordCode() != 0) {
            assertThat(json.get("status").asText()).as(body).isEqualTo("fail");
            assertThat(json.get("processed").asInt()).isZero();
            assertThat(json.get("unprocessed").get(0).get("code").asInt()).as(body).isEqualTo(c.recordCode());
        } else {
            assertThat(json.get("status").asText()).as(body).isEqualTo("success");
        }
    }

    private static boolean isValidUri(String path) {
        try {
            URI.create("http://localhost" + path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A request the JDK client refuses to send (a malformed percent escape), sent as raw bytes; no body. */
    private String rawExchange(Case c) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((c.method() + " " + c.path() + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-CleverTap-Account-Id: " + api.accountId() + "\r\nX-CleverTap-Passcode: " + api.passcode()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpRequest build(Case c) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + c.path()))
                .timeout(Duration.ofSeconds(30))
                .header("X-CleverTap-Account-Id", api.accountId()).header("X-CleverTap-Passcode", api.passcode());
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        request.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        return request.build();
    }

    /** After all cases: not one row changed, and the server still takes a good request. */
    @AfterAll
    void nothingWasWritten() {
        try {
            assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
            assertThat(api.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"fine\",\"profileData\":{}}]}")
                    .json().get("status").asText()).isEqualTo("success");
        } finally {
            server.close();
        }
    }

    @Test
    void thereAreAtLeast200Cases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(200);
        assertThat(selectedCases().count()).as("this binding runs some of them").isPositive();
    }
}
