package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.net.http.HttpRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** A suite that runs against a real server on one backend; each test speaks as a fresh account. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerContract {
    protected TestServer server;
    protected TestServer.Client api;

    protected abstract Backend backend();

    @BeforeAll
    void startServer() {
        server = new TestServer(backend());
    }

    @BeforeEach
    void newAccount() {
        api = server.newAccount();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A batch of one profile record, for the rules that only need a valid upload. */
    protected static final String UPLOAD = batch(profile("identity", "someone", "{\"Name\":\"N\"}"));

    /** A POST without the account's headers: the caller names every header (name, value, name, value, ...). */
    protected ApiResponse post(String path, String body, String... headers) {
        HttpRequest.Builder request = server.request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return TestServer.send(request);
    }

    /** The one error shape: HTTP status, {@code status: fail}, the code, and the error text when given. */
    protected static void assertError(ApiResponse response, int status, @Nullable String error) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("status").asText()).isEqualTo("fail");
        assertThat(response.json().get("code").asInt()).isEqualTo(status);
        if (error != null) {
            assertThat(response.json().get("error").asText()).isEqualTo(error);
        }
    }

    protected static String batch(String... records) {
        return "{\"d\":[" + String.join(",", records) + "]}";
    }

    protected static String profile(String userField, String userValue, String profileData) {
        return "{\"type\":\"profile\",\"" + userField + "\":\"" + userValue + "\",\"profileData\":" + profileData + "}";
    }

    protected static String event(String userField, String userValue, String evtName, String evtData) {
        return "{\"type\":\"event\",\"" + userField + "\":\"" + userValue + "\",\"evtName\":\"" + evtName
                + "\",\"evtData\":" + evtData + "}";
    }

    protected static String phoneRecord(String value) {
        return "{\"type\":\"phone\",\"value\":\"" + value + "\"}";
    }
}
