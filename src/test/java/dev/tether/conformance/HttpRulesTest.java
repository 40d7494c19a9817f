package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTP rules that are decided before any storage is touched (paths, methods, content types, JSON, sizes,
 * header names, health): the same on every backend, so they run once, here, on SQLite. The rules that read or
 * write the store are in {@code HttpRulesContract}, run on each backend.
 */
class HttpRulesTest extends ServerContract {


    @Test
    void headerNames_areCaseInsensitive() {
        ApiResponse response = post("/1/upload", UPLOAD, "x-clevertap-account-id", api.accountId(),
                "X-Clevertap-Passcode", api.passcode(), "Content-Type", "application/json; charset=utf-8");
        assertThat(response.json().get("status").asText()).isEqualTo("success");
    }

    @Test
    void unknownPath_is404_beforeAuthentication() {
        assertError(TestServer.send(server.request("/1/nothing-here").GET()), 404, null);
        assertError(TestServer.send(server.request("/nope").POST(HttpRequest.BodyPublishers.ofString("{}"))), 404,
                null);
    }

    @Test
    void everyEndpointOfTheProfileApi_asksForCredentials_answersAWrongMethod405_andTakesATrailingSlash() {
        for (String path : List.of("/1/subscribe", "/1/demerge/profiles.json", "/1/events.json", "/1/profiles.json",
                "/1/counts/events.json", "/1/counts/profiles.json", "/1/identity/reassigned.json")) {
            assertError(TestServer.send(server.request(path).POST(HttpRequest.BodyPublishers.ofString("{}"))), 401,
                    "Account ID is not valid");
            assertError(TestServer.send(server.request(path + "/").DELETE()), 405, null);
            assertThat(api.post(path + "/", "{}").status()).as(path).isEqualTo(400);
        }
    }

    @Test
    void theHistory_asksForCredentials_answersAWrongMethod405_andTakesATrailingSlash() {
        assertError(TestServer.send(server.request("/1/identity/history.json?phone=+14155550100").GET()), 401,
                "Account ID is not valid");
        assertError(TestServer.send(server.request("/1/identity/history.json/").POST(
                HttpRequest.BodyPublishers.ofString("{}"))), 405, null);
        assertThat(api.get("/1/identity/history.json/?phone=+14155550100").status()).isEqualTo(200);
    }

    @Test
    void wrongMethod_is405() {
        assertError(TestServer.send(server.request("/1/upload").GET()), 405, null);
        assertError(TestServer.send(server.request("/1/disassociate/").DELETE()), 405, null);
    }

    @Test
    void malformedJson_is400_andUnsupportedContentType_is415_andWriteNothing() {
        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        assertError(api.post("/1/upload", "{\"d\":[{"), 400, null);
        assertError(post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", api.accountId(), "X-CleverTap-Passcode",
                api.passcode(), "Content-Type", "text/plain"), 415, null);
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).isEqualTo(before);
    }

    @Test
    void missingContentType_isReadAsJson() {
        ApiResponse response = post("/1/upload", UPLOAD, "X-CleverTap-Account-Id", api.accountId(),
                "X-CleverTap-Passcode", api.passcode());
        assertThat(response.json().get("status").asText()).isEqualTo("success");
    }

    @Test
    void oversizedBody_is413_andWritesNothing() {
        try (TestServer small = new TestServer(backend().newDatabaseUrl(), Limits.defaults().withMaxBodyBytes(2048))) {
            TestServer.Client client = small.newAccount();
            List<String> before = DataSnapshot.withAuditTrail(small.databaseUrl());
            String big = batch(profile("identity", "big", "{\"Note\":\"" + "x".repeat(500) + "\"}"),
                    profile("identity", "big2", "{\"Note\":\"" + "x".repeat(500) + "\"}"),
                    profile("identity", "big3", "{\"Note\":\"" + "x".repeat(500) + "\"}"),
                    profile("identity", "big4", "{\"Note\":\"" + "x".repeat(500) + "\"}"),
                    profile("identity", "big5", "{\"Note\":\"" + "x".repeat(500) + "\"}"));
            assertError(client.post("/1/upload", big), 413, null);
            assertThat(DataSnapshot.withAuditTrail(small.databaseUrl())).isEqualTo(before);
        }
    }

    @Test
    void trailingSlash_isAnsweredDirectly_withoutRedirect() {
        ApiResponse response = api.post("/1/upload/", UPLOAD);
        assertThat(response.status()).isEqualTo(200);
        assertThat(api.get("/1/profile.json/?identity=someone").status()).isEqualTo(200);
    }

    @Test
    void health_isOk_withoutAuthentication() {
        ApiResponse health = TestServer.send(server.request("/health").GET());
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Override
    protected Backend backend() {
        return Backend.SQLITE;
    }
}
