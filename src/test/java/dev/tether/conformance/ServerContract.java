package dev.tether.conformance;

import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
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
