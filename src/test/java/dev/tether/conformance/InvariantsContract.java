package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.check.InvariantViolation;
import dev.tether.check.InvariantViolation.Invariant;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The invariant checker ({@code tether check}): data written through the API keeps every invariant; each kind of
 * corruption, made by hand in SQL, is reported as the invariant it breaks.
 */
abstract class InvariantsContract {
    private static final String P = "+919213231415";

    protected abstract Backend backend();

    @Test
    void everyWriteOfTheApi_keepsEveryInvariant() {
        try (TestServer server = new TestServer(backend())) {
            for (ConflictPolicy policy : ConflictPolicy.values()) {
                TestServer.Client api = server.newAccount(true, true, policy);
                processed(api.post("/1/upload", "{\"d\":[" + profile("a", "{\"Phone\":\"" + P
                        + "\",\"Email\":\"a@x.co\"}") + "," + profile("b", "{\"Email\":\"b@x.co\"}") + ","
                        + profile("+15550001111", "{}") + "]}"), 3);
                // b claims a's number: refused under reject, taken under transfer and merge
                processed(api.post("/1/upload", "{\"d\":[" + profile("b", "{\"Phone\":\"" + P + "\"}") + ","
                        + profile("a", "{\"Email\":\"a2@x.co\",\"Identity\":\"a-renamed\"}") + "]}"),
                        policy == ConflictPolicy.REJECT ? 1 : 2);
                processed(api.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"+15550001111\"}]}"), 1);
                processed(api.post("/1/upload", "{\"d\":[" + profile("+15550001111", "{\"Name\":\"next owner\"}")
                        + "]}"), 1);
                processed(api.post("/1/delete/profiles.json", "{\"identity\":\"b@x.co\"}"), 1);
            }
            assertThat(server.violations()).isEmpty();
        }
    }

    /** The write happened: HTTP 200 and this many records processed. */
    private static void processed(ApiResponse response, int count) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("processed").asInt()).as(response.body()).isEqualTo(count);
    }

    private static String profile(String identity, String profileData) {
        return "{\"type\":\"profile\",\"identity\":\"" + identity + "\",\"profileData\":" + profileData + "}";
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                Arguments.of(Invariant.ONE_HOLDER_PER_IDENTITY, List.of("DROP INDEX identity_bindings_active",
                        "INSERT INTO identity_bindings SELECT account_id, 'dup', kind, value, '{g2}', started_at,"
                                + " start_reason, NULL, NULL, NULL, NULL, NULL, NULL FROM identity_bindings WHERE kind = 'Phone'")),
                Arguments.of(Invariant.ACTIVE_BINDING_HAS_PROFILE, List.of("DELETE FROM profiles WHERE guid = '{g2}'")),
                Arguments.of(Invariant.ACTIVE_BINDING_HAS_PROFILE,
                        List.of("UPDATE profiles SET merged_into = '{g}' WHERE guid = '{g2}'")),
                Arguments.of(Invariant.ONE_IDENTITY_PER_KIND, List.of("DROP INDEX identity_bindings_of_profile",
                        "INSERT INTO identity_bindings SELECT account_id, 'second', kind, 'other@x.co', guid,"
                                + " started_at, start_reason, NULL, NULL, NULL, NULL, NULL, NULL FROM identity_bindings"
                                + " WHERE kind = 'Email'")),
                Arguments.of(Invariant.PROPERTY_MATCHES_BINDING, List.of("UPDATE identity_bindings SET"
                        + " ended_at = started_at, end_reason = 'disassociated' WHERE kind = 'Phone'")),
                Arguments.of(Invariant.PROPERTY_MATCHES_BINDING, List.of("UPDATE identity_bindings SET"
                        + " value = '+15550009999' WHERE kind = 'Phone'")),
                Arguments.of(Invariant.HISTORY_DOES_NOT_OVERLAP, List.of(
                        "INSERT INTO identity_bindings SELECT account_id, 'earlier', kind, value, '{g2}',"
                                + " started_at - 10, start_reason, started_at + 10, 'transferred', NULL, NULL, NULL, NULL"
                                + " FROM identity_bindings WHERE kind = 'Phone'")),
                Arguments.of(Invariant.HISTORY_DOES_NOT_OVERLAP, List.of("UPDATE identity_bindings SET"
                        + " ended_at = started_at - 1, end_reason = 'replaced' WHERE kind = 'Email'")),
                Arguments.of(Invariant.ACTIVE_BINDING_HAS_PROFILE,
                        List.of("UPDATE identity_bindings SET guid = NULL WHERE kind = 'Email'")),
                Arguments.of(Invariant.EVENT_HAS_PROFILE, List.of("UPDATE events SET guid = 'ghost'")),
                Arguments.of(Invariant.EVENT_HAS_PROFILE,
                        List.of("UPDATE profiles SET merged_into = '{g2}' WHERE guid = '{g}'")),
                Arguments.of(Invariant.MERGE_IS_RECORDED,
                        List.of("UPDATE profiles SET merged_into = '{g2}' WHERE guid = '{g}'")),
                Arguments.of(Invariant.MERGE_IS_RECORDED, List.of("INSERT INTO profile_merges (account_id, merge_id,"
                        + " from_guid, into_guid, merged_at, copied_keys) SELECT account_id, 'stale', guid, '{g2}',"
                        + " created_at, '[]' FROM profiles WHERE guid = '{g}'")),
                Arguments.of(Invariant.CHANGE_IS_AUDITED,
                        List.of("DELETE FROM audit_entries WHERE action = 'POST /1/upload'")),
                Arguments.of(Invariant.CHANGE_IS_AUDITED, List.of("UPDATE audit_entries"
                        + " SET action = 'POST /1/disassociate' WHERE action = 'POST /1/upload'")));
    }

    @ParameterizedTest(name = "{0} after {1}")
    @MethodSource("corruptions")
    void aCorruption_isReportedAsTheInvariantItBreaks(Invariant broken, List<String> statements) throws Exception {
        try (TestServer server = new TestServer(backend().newDatabaseUrl(), Limits.defaults())) {
            TestServer.Client api = server.newAccount();
            api.post("/1/upload", "{\"d\":[" + profile("u1", "{\"Phone\":\"" + P + "\",\"Email\":\"u1@x.co\"}")
                    + "," + profile("u2", "{}") + "]}");
            api.post("/1/upload", "{\"d\":[{\"type\":\"event\",\"identity\":\"u1\",\"evtName\":\"Seen\",\"evtData\":{}}]}");
            String g = api.get("/1/profile.json?identity=u1").json().get("record").get("objectId").asText();
            String g2 = api.get("/1/profile.json?identity=u2").json().get("record").get("objectId").asText();
            assertThat(server.violations()).isEmpty();

            try (Connection connection = DriverManager.getConnection(server.databaseUrl());
                 Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql.replace("{g2}", g2).replace("{g}", g));
                }
            }
            List<InvariantViolation> violations = server.violations();
            assertThat(violations).extracting(InvariantViolation::invariant).contains(broken);
            assertThat(violations).allSatisfy(v -> assertThat(v.accountId()).isEqualTo(api.accountId()));
        }
    }
}
