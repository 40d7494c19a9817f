package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** API.md section 6: {@code POST /1/delete/profiles.json}. */
abstract class DeleteContract extends ServerContract {
    private static final String P = "+919213231415";

    private String guidOf(TestServer.Client client, String query) {
        ApiResponse response = client.get("/1/profile.json?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("record").get("objectId").asText();
    }

    @Test
    void deleteByIdentity_removesProfileAndEvents_freesTheNumber_historyForgetsTheGuid() {
        api.post("/1/upload", batch(profile("identity", "user-a", "{\"Name\":\"A\",\"Phone\":\"" + P + "\"}"),
                event("identity", "user-a", "Charged", "{}")));
        String a = guidOf(api, "identity=user-a");

        ApiResponse deleted = api.post("/1/delete/profiles.json", "{\"identity\":\"user-a\"}");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().toString()).isEqualTo("{\"status\":\"success\",\"processed\":1}");

        assertThat(api.get("/1/profile.json?objectId=" + a).status()).isEqualTo(404);
        assertThat(api.get("/1/profile.json?phone=" + P).status()).isEqualTo(404);
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(api.accountId(), IdentityKey.phone(P)));
        assertThat(history).hasSize(1);
        assertThat(history.get(0).guid()).isEmpty();
        assertThat(history.get(0).to()).isPresent();
        assertThat(history.get(0).endReason()).contains(BindingReason.DELETED);

        api.post("/1/upload", batch(profile("identity", P, "{\"Name\":\"B\"}")));
        assertThat(guidOf(api, "phone=" + P)).isNotEqualTo(a);
        assertThat(api.get("/1/profile.json?phone=" + P).json().get("record").get("events")).isEmpty();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void deleteByGuids_inAnArray_countsTheProfilesThatExisted() {
        api.post("/1/upload", batch(profile("identity", "g1", "{}"), profile("identity", "g2", "{}")));
        String g1 = guidOf(api, "identity=g1");
        String g2 = guidOf(api, "identity=g2");
        ApiResponse deleted = api.post("/1/delete/profiles.json",
                "{\"guid\":[\"" + g1 + "\",\"" + g2 + "\",\"nobody-has-this-guid\"]}");
        assertThat(deleted.json().get("processed").asInt()).isEqualTo(2);
        assertThat(api.get("/1/profile.json?identity=g1").status()).isEqualTo(404);
        assertThat(api.get("/1/profile.json?identity=g2").status()).isEqualTo(404);
        assertThat(api.post("/1/delete/profiles.json", "{\"guid\":\"" + g1 + "\"}").json().get("processed").asInt())
                .isZero();
    }

    @Test
    void deletingAMergedProfile_deletesEveryProfileMergedIntoIt() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        merging.post("/1/upload", batch(profile("identity", "first", "{\"Email\":\"m@x.co\"}"),
                event("identity", "first", "Seen", "{}")));
        String first = guidOf(merging, "identity=first");
        merging.post("/1/upload", batch(profile("identity", "second", "{\"Email\":\"m@x.co\"}")));
        String second = guidOf(merging, "identity=second");
        assertThat(guidOf(merging, "objectId=" + first)).isEqualTo(second);

        assertThat(merging.post("/1/delete/profiles.json", "{\"guid\":\"" + first + "\"}").json().get("processed")
                .asInt()).isEqualTo(1);
        assertThat(merging.get("/1/profile.json?objectId=" + first).status()).isEqualTo(404);
        assertThat(merging.get("/1/profile.json?objectId=" + second).status()).isEqualTo(404);
        assertThat(merging.get("/1/profile.json?email=m@x.co").status()).isEqualTo(404);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void badRequests_are400_andChangeNothing() {
        api.post("/1/upload", batch(profile("identity", "keep", "{}")));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        StringBuilder tooMany = new StringBuilder("{\"identity\":[");
        for (int i = 0; i < 101; i++) {
            tooMany.append(i == 0 ? "" : ",").append("\"keep\"");
        }
        for (String body : List.of("{}", "{\"identity\":\"keep\",\"guid\":\"x\"}", "{\"identity\":[]}",
                "{\"identity\":[\"keep\",{}]}", "{\"identity\":\"\"}", "{\"guid\":\"not a guid!\"}", "[]",
                "{\"identity\":null}", tooMany.append("]}").toString())) {
            ApiResponse response = api.post("/1/delete/profiles.json", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().get("status").asText()).isEqualTo("fail");
        }
        assertThat(api.post("/1/delete/profiles.json?dryRun=1", "{\"identity\":\"keep\"}").json().get("processed")
                .asInt()).isEqualTo(1);
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
    }
}
