package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.NewPasscode;
import dev.tether.account.Scope;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.MetricsText;
import dev.tether.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract's section 7e, scopes: every endpoint against a passcode of every single scope. The scope an endpoint
 * needs lets it in; every other is 403 with the one error body (CAMARA's on its path), counted by scope, and leaves
 * every table as it was, the audit trail included.
 */
abstract class ScopeContract extends ServerContract {
    private static final String P = "+14155550123";

    /** An endpoint as a client calls it: method, path, body (null for a GET), the scope it needs. */
    private record Call(String method, String path, String body, Scope needs) {
        HttpRequest.Builder request(TestServer server, TestServer.Client as) {
            HttpRequest.Builder request = server.request(path).header("X-CleverTap-Account-Id", as.accountId())
                    .header("X-CleverTap-Passcode", as.passcode());
            return body == null ? request.GET() : request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
    }

    private static final String QUERY = "{\"event_name\":\"Seen\",\"from\":20260101,\"to\":20260102}";

    private static final List<Call> CALLS = List.of(
            new Call("POST", "/1/upload", batch(profile("identity", "someone", "{\"Phone\":\"" + P + "\"}")),
                    Scope.WRITE),
            new Call("POST", "/1/subscribe", batch("{\"type\":\"phone\",\"value\":\"" + P
                    + "\",\"status\":\"Unsubscribe\"}"), Scope.WRITE),
            new Call("POST", "/1/disassociate", batch(phoneRecord(P)), Scope.DISASSOCIATE),
            new Call("POST", "/1/delete/profiles.json", "{\"identity\":\"someone\"}", Scope.DELETE),
            new Call("POST", "/1/demerge/profiles.json", "{\"identities\":[\"someone\"]}", Scope.DELETE),
            new Call("GET", "/1/profile.json?identity=someone", null, Scope.READ),
            new Call("GET", "/1/account.json", null, Scope.READ),
            new Call("POST", "/1/events.json?batch_size=10", QUERY, Scope.READ),
            new Call("POST", "/1/profiles.json?batch_size=10", QUERY, Scope.READ),
            new Call("POST", "/1/counts/events.json", QUERY, Scope.READ),
            new Call("POST", "/1/counts/profiles.json", QUERY, Scope.READ),
            new Call("GET", "/1/identity/history.json?phone=%2B14155550123", null, Scope.READ),
            new Call("POST", "/1/identity/reassigned.json", batch("{\"phone\":\"" + P + "\",\"date\":\"2026-01-01\"}"),
                    Scope.READ),
            new Call("POST", "/number-recycling/v0.2/check", "{\"phoneNumber\":\"" + P
                    + "\",\"specifiedDate\":\"2026-01-01\"}", Scope.READ),
            new Call("GET", "/1/audit.json", null, Scope.AUDIT));

    @Test
    void everyEndpoint_letsInTheScopeItNeeds_andRefusesEveryOther_with403_countedAndWritingNothing() {
        api.post("/1/upload", batch(profile("identity", "someone", "{\"Phone\":\"" + P + "\"}")));
        Map<Scope, TestServer.Client> only = new EnumMap<>(Scope.class);
        for (Scope scope : Scope.values()) {
            only.put(scope, server.withPasscode(api, new NewPasscode(Optional.of("only-" + scope.wireName()),
                    Set.of(scope), Optional.empty())));
        }
        for (Call call : CALLS) {
            for (Scope scope : Scope.values()) {
                String what = call.method() + " " + call.path() + " with a passcode of scope " + scope.wireName();
                if (scope == call.needs()) {
                    continue;
                }
                double counted = refusals(call.needs());
                List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
                ApiResponse refused = TestServer.send(call.request(server, only.get(scope)));
                assertThat(refused.status()).as(what).isEqualTo(403);
                if (call.path().startsWith("/number-recycling/")) {
                    assertThat(refused.json().get("code").asText()).as(what).isEqualTo("PERMISSION_DENIED");
                    assertThat(refused.json().get("message").asText()).as(what)
                            .isEqualTo("This passcode may not read");
                } else {
                    assertThat(refused.body()).as(what).isEqualTo("{\"status\":\"fail\",\"error\":\"This passcode"
                            + " may not " + call.needs().wireName() + "\",\"code\":403}");
                }
                assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).as(what + ": nothing written")
                        .isEqualTo(before);
                assertThat(refusals(call.needs())).as(what + ": counted").isEqualTo(counted + 1);
            }
        }
        assertThat(server.accounts().passcodes(api.accountId())).filteredOn(p -> p.name().startsWith("only-"))
                .hasSize(5).allSatisfy(p -> assertThat(p.lastUsedAt()).as("a refused request notes no use").isEmpty());
        // allowed last: the writes among them change what the refusals above were checked on
        for (Call call : CALLS) {
            ApiResponse allowed = TestServer.send(call.request(server, only.get(call.needs())));
            assertThat(allowed.status()).as(call.method() + " " + call.path() + ": " + allowed.body())
                    .isNotIn(401, 403).isLessThan(500);
        }
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aPasscodeWithEveryScopeButOne_isRefusedThatOneOnly() {
        TestServer.Client noDisassociate = server.withPasscode(api, new NewPasscode(Optional.of("crm-sync"),
                Set.of(Scope.READ, Scope.WRITE, Scope.DELETE, Scope.AUDIT), Optional.empty()));
        assertThat(noDisassociate.post("/1/upload", batch(profile("identity", "u", "{\"Phone\":\"" + P + "\"}")))
                .json().get("processed").asInt()).isEqualTo(1);
        assertError(noDisassociate.post("/1/disassociate", batch(phoneRecord(P))), 403,
                "This passcode may not disassociate");
        assertError(noDisassociate.post("/1/disassociate?dryRun=1", batch(phoneRecord(P))), 403,
                "This passcode may not disassociate");
        assertThat(api.get("/1/profile.json?phone=%2B14155550123").status()).as("still held").isEqualTo(200);
        ApiResponse account = noDisassociate.get("/1/account.json");
        assertThat(account.json().get("passcode").get("name").asText()).isEqualTo("crm-sync");
        assertThat(account.json().get("passcode").get("scopes").toString())
                .isEqualTo("[\"read\",\"write\",\"delete\",\"audit\"]");
    }

    private double refusals(Scope scope) {
        return MetricsText.value(TestServer.send(server.request("/metrics").GET()).body(),
                "tether_requests_outside_scope_total", Map.of("scope", scope.wireName()));
    }
}
