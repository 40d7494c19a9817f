package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No endpoint lets account A read or change account B's data, whether A names B's identities or guesses B's
 * GUIDs: every read answers as if the profile did not exist, and B's rows stay exactly as they were.
 */
abstract class IsolationContract extends ServerContract {
    private static final String P = "+919213231415";

    private static List<String> rowsOf(List<String> snapshot, String accountId) {
        return snapshot.stream().filter(row -> row.contains(accountId)).toList();
    }

    @Test
    void accountA_cannotReadOrChange_accountB_byIdentityOrGuessedGuid() {
        TestServer.Client b = server.newAccount();
        b.post("/1/upload", batch(profile("identity", "bob", "{\"Name\":\"Bob\",\"Phone\":\"" + P
                + "\",\"Email\":\"bob@x.co\"}"), event("identity", "bob", "Charged", "{}")));
        String bobGuid = b.get("/1/profile.json?identity=bob").json().get("record").get("objectId").asText();
        List<String> bRows = rowsOf(DataSnapshot.of(server.databaseUrl()), b.accountId());
        assertThat(bRows).isNotEmpty();

        TestServer.Client a = api;
        for (String query : List.of("identity=bob", "phone=" + P, "email=bob@x.co", "objectId=" + bobGuid)) {
            ApiResponse read = a.get("/1/profile.json?" + query);
            assertThat(read.status()).as(query).isEqualTo(404);
            assertThat(read.body()).doesNotContain("Bob");
        }
        ApiResponse cut = a.post("/1/disassociate", batch(phoneRecord(P)));
        assertThat(cut.json().get("unprocessed").get(0).get("code").asInt()).isEqualTo(543);
        assertThat(a.post("/1/delete/profiles.json", "{\"guid\":\"" + bobGuid + "\"}").json().get("processed").asInt())
                .isZero();
        assertThat(a.post("/1/delete/profiles.json", "{\"identity\":[\"bob\",\"" + P + "\",\"bob@x.co\"]}")
                .json().get("processed").asInt()).isZero();
        // A writing to B's GUID makes a profile of A's own with that GUID; B's stays untouched
        ApiResponse write = a.post("/1/upload", batch(profile("objectId", bobGuid, "{\"Name\":\"Mallory\"}"),
                event("objectId", bobGuid, "Hijack", "{}")));
        assertThat(write.json().get("processed").asInt()).isEqualTo(2);
        // A binding B's identities takes nothing from B: identities are per account
        assertThat(a.post("/1/upload", batch(profile("identity", "mallory", "{\"Phone\":\"" + P
                + "\",\"Email\":\"bob@x.co\",\"Identity\":\"bob\"}"))).json().get("processed").asInt()).isEqualTo(1);

        assertThat(rowsOf(DataSnapshot.of(server.databaseUrl()), b.accountId())).isEqualTo(bRows);
        ApiResponse bobNow = b.get("/1/profile.json?objectId=" + bobGuid);
        assertThat(bobNow.json().get("record").get("name").asText()).isEqualTo("Bob");
        assertThat(bobNow.json().get("record").get("events").has("Hijack")).isFalse();
        assertThat(b.get("/1/profile.json?phone=" + P).json().get("record").get("objectId").asText())
                .isEqualTo(bobGuid);
    }

    @Test
    void accountAsPasscode_doesNotOpenAccountB() {
        TestServer.Client b = server.newAccount();
        ApiResponse crossed = TestServer.send(server.request("/1/profile.json?identity=x")
                .header("X-CleverTap-Account-Id", b.accountId()).header("X-CleverTap-Passcode", api.passcode()).GET());
        assertThat(crossed.status()).isEqualTo(401);
        assertThat(crossed.json().get("error").asText()).isEqualTo("Invalid Credentials");
        assertThat(crossed.body()).doesNotContain(api.passcode());
    }
}
