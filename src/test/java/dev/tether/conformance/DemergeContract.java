package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.HistoryEntry;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/API.md section 7: {@code POST /1/demerge/profiles.json}, a merge undone without losing anything. */
abstract class DemergeContract extends ServerContract {
    private TestServer.Client merging;

    @BeforeEach
    void mergingAccount() {
        merging = server.newAccount(true, true, ConflictPolicy.MERGE);
    }

    private JsonNode record(String query) {
        ApiResponse response = merging.get("/1/profile.json?" + query);
        assertThat(response.status()).as(query + ": " + response.body()).isEqualTo(200);
        return response.json().get("record");
    }

    private static String eventTo(String field, String value, String name) {
        return "{\"type\":\"event\",\"" + field + "\":\"" + value + "\",\"evtName\":\"" + name
                + "\",\"evtData\":{}}";
    }

    @Test
    void aMergeFollowedByADemerge_givesBackBothProfiles_withTheirGuidsEventsAndProperties() {
        merging.post("/1/upload", batch(profile("identity", "anna", "{\"Name\":\"Anna\",\"Email\":\"shared@x.co\","
                + "\"Phone\":\"+14155550100\",\"City\":\"Pune\",\"Score\":1}"), eventTo("identity", "anna", "Seen")));
        String anna = record("identity=anna").get("objectId").asText();
        merging.post("/1/upload", batch(profile("identity", "bob", "{\"Name\":\"Bob\",\"Tier\":\"gold\"}"),
                eventTo("identity", "bob", "Bought")));
        String bob = record("identity=bob").get("objectId").asText();

        // Bob claims Anna's email: Anna is merged into Bob
        merging.post("/1/upload", batch(profile("identity", "bob", "{\"Email\":\"shared@x.co\"}")));
        assertThat(record("objectId=" + anna).get("objectId").asText()).isEqualTo(bob);
        assertThat(record("objectId=" + bob).get("profileData").get("City").asText()).isEqualTo("Pune");
        // an event sent to Anna's GUID after the merge counts for Bob, and still belongs to Anna
        merging.post("/1/upload", batch(eventTo("objectId", anna, "Seen")));
        assertThat(record("objectId=" + bob).get("events").get("Seen").get("count").asInt()).isEqualTo(2);

        ApiResponse demerged = merging.post("/1/demerge/profiles.json", "{\"identities\":[\"bob\"]}");
        assertThat(demerged.status()).as(demerged.body()).isEqualTo(200);
        assertThat(demerged.body()).isEqualTo("{\"status\":\"success\",\"processed\":1}");

        JsonNode annaBack = record("objectId=" + anna);
        assertThat(annaBack.get("objectId").asText()).isEqualTo(anna);
        assertThat(annaBack.get("name").asText()).isEqualTo("Anna");
        assertThat(annaBack.get("profileData").get("City").asText()).isEqualTo("Pune");
        assertThat(annaBack.get("profileData").get("Score").asInt()).isEqualTo(1);
        assertThat(annaBack.get("profileData").has("Tier")).isFalse();
        assertThat(annaBack.get("events").get("Seen").get("count").asInt()).isEqualTo(2);
        assertThat(annaBack.get("events").has("Bought")).isFalse();
        assertThat(annaBack.get("identities")).isEmpty();
        assertThat(annaBack.has("email")).isFalse();
        assertThat(annaBack.has("phone")).isFalse();

        JsonNode bobBack = record("objectId=" + bob);
        assertThat(bobBack.get("objectId").asText()).isEqualTo(bob);
        assertThat(bobBack.get("name").asText()).isEqualTo("Bob");
        assertThat(bobBack.get("profileData").get("Tier").asText()).isEqualTo("gold");
        assertThat(bobBack.get("profileData").has("City")).isFalse();
        assertThat(bobBack.get("profileData").has("Score")).isFalse();
        assertThat(bobBack.get("events").get("Bought").get("count").asInt()).isEqualTo(1);
        assertThat(bobBack.get("events").has("Seen")).isFalse();
        assertThat(bobBack.get("identities")).isEmpty();
        assertThat(bobBack.has("email")).isFalse();

        // every identity of the demerged profile ended, reason demerged; the values are free again
        for (IdentityKey key : List.of(new IdentityKey(IdentityKind.IDENTITY, "bob"),
                new IdentityKey(IdentityKind.EMAIL, "shared@x.co"), IdentityKey.phone("+14155550100"))) {
            List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(merging.accountId(), key));
            assertThat(history.get(0).endReason()).as(key.toString()).contains(BindingReason.DEMERGED);
            assertThat(history.get(0).guid()).contains(bob);
        }
        assertThat(merging.get("/1/profile.json?identity=bob").status()).isEqualTo(404);
        assertThat(merging.get("/1/profile.json?email=shared@x.co").status()).isEqualTo(404);
        // each answers for itself from now on
        merging.post("/1/upload", batch(eventTo("objectId", anna, "Later")));
        assertThat(record("objectId=" + anna).get("events").has("Later")).isTrue();
        assertThat(record("objectId=" + bob).get("events").has("Later")).isFalse();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aKeyTheSurvivorChangedAfterTheMerge_staysWithIt() {
        merging.post("/1/upload", batch(profile("identity", "a", "{\"Email\":\"m@x.co\",\"Plan\":\"free\"}")));
        String a = record("identity=a").get("objectId").asText();
        merging.post("/1/upload", batch(profile("identity", "b", "{\"Email\":\"m@x.co\"}")));
        merging.post("/1/upload", batch(profile("identity", "b", "{\"Plan\":\"pro\"}")));
        String b = record("identity=b").get("objectId").asText();

        merging.post("/1/demerge/profiles.json", "{\"identities\":\"m@x.co\"}");
        assertThat(record("objectId=" + b).get("profileData").get("Plan").asText()).isEqualTo("pro");
        assertThat(record("objectId=" + a).get("profileData").get("Plan").asText()).isEqualTo("free");
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void everyProfileMergedIntoTheHolder_comesBack_eachAsItsOwn() {
        merging.post("/1/upload", batch(profile("identity", "one", "{\"Email\":\"e1@x.co\",\"K1\":1}"),
                eventTo("identity", "one", "E1")));
        merging.post("/1/upload", batch(profile("identity", "two", "{\"Email\":\"e2@x.co\",\"K2\":2}"),
                eventTo("identity", "two", "E2")));
        String one = record("identity=one").get("objectId").asText();
        String two = record("identity=two").get("objectId").asText();
        merging.post("/1/upload", batch(profile("identity", "hub", "{\"Email\":\"e1@x.co\"}")));
        String hub = record("identity=hub").get("objectId").asText();
        // two claims e1 in turn: hub, with one merged into it, is merged into two (no chains)
        merging.post("/1/upload", batch(profile("identity", "two", "{\"Email\":\"e1@x.co\"}")));
        assertThat(record("objectId=" + one).get("objectId").asText())
                .isEqualTo(record("objectId=" + two).get("objectId").asText());
        String survivor = record("objectId=" + one).get("objectId").asText();

        JsonNode answer = merging.post("/1/demerge/profiles.json",
                "{\"identities\":[\"e1@x.co\",\"nobody-holds-this\"]}").json();
        assertThat(answer.get("processed").asInt()).isEqualTo(1);
        for (String guid : List.of(one, two, hub)) {
            assertThat(record("objectId=" + guid).get("objectId").asText()).isEqualTo(guid);
        }
        assertThat(record("objectId=" + one).get("events").has("E1")).isTrue();
        assertThat(record("objectId=" + one).get("events").has("E2")).isFalse();
        assertThat(record("objectId=" + two).get("events").has("E2")).isTrue();
        assertThat(record("objectId=" + two).get("profileData").get("K2").asInt()).isEqualTo(2);
        // K1 was copied along the chain one -> hub -> two: it goes back all the way
        assertThat(record("objectId=" + one).get("profileData").get("K1").asInt()).isEqualTo(1);
        assertThat(record("objectId=" + hub).get("profileData").has("K1")).isFalse();
        assertThat(record("objectId=" + two).get("profileData").has("K1")).isFalse();
        assertThat(record("objectId=" + survivor).get("identities")).isEmpty();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aProfileNeverMerged_losesItsIdentities_andIsCounted() {
        api.post("/1/upload", batch(profile("identity", "solo", "{\"Phone\":\"+14155550101\",\"Name\":\"S\"}")));
        String solo = api.get("/1/profile.json?identity=solo").json().get("record").get("objectId").asText();
        assertThat(api.post("/1/demerge/profiles.json", "{\"identities\":[\"solo\"]}").json().get("processed")
                .asInt()).isEqualTo(1);
        JsonNode after = api.get("/1/profile.json?objectId=" + solo).json().get("record");
        assertThat(after.get("identities")).isEmpty();
        assertThat(after.has("phone")).isFalse();
        assertThat(after.get("name").asText()).isEqualTo("S");
        assertThat(api.post("/1/demerge/profiles.json", "{\"identities\":[\"solo\"]}").json().get("processed")
                .asInt()).isZero();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void badRequests_are400_dryRunReports_andNeitherChangesAnything() {
        merging.post("/1/upload", batch(profile("identity", "a", "{\"Email\":\"m@x.co\"}")));
        merging.post("/1/upload", batch(profile("identity", "b", "{\"Email\":\"m@x.co\"}")));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        StringBuilder tooMany = new StringBuilder("{\"identities\":[");
        for (int i = 0; i < 101; i++) {
            tooMany.append(i == 0 ? "" : ",").append("\"b\"");
        }
        for (String body : List.of("{}", "{\"identities\":[]}", "{\"identities\":[\"b\",{}]}", "{\"identities\":\"\"}",
                "{\"identities\":null}", "[]", "{\"identity\":\"b\"}", tooMany.append("]}").toString())) {
            assertError(merging.post("/1/demerge/profiles.json", body), 400, null);
        }
        assertThat(merging.post("/1/demerge/profiles.json?dryRun=1", "{\"identities\":[\"b\"]}").body())
                .isEqualTo("{\"status\":\"success\",\"processed\":1}");
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
    }

    @Test
    void demergesRacingEventsToTheMergedGuids_onTwoServers_loseNoEvent_andGiveEachBackToItsGuid() throws Exception {
        int pairs = 8;
        int rounds = 6;
        try (TestServer second = new TestServer(server.databaseUrl(), Limits.defaults())) {
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                merging.post("/1/upload", batch(profile("identity", "ra-" + i, "{\"Email\":\"r" + i + "@x.co\"}")));
                merged.add(record("identity=ra-" + i).get("objectId").asText());
                merging.post("/1/upload", batch(profile("identity", "rb-" + i, "{\"Email\":\"r" + i + "@x.co\"}")));
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> demerges = pool.submit(() -> {
                    for (int i = 0; i < pairs; i++) {
                        ApiResponse answer = merging.post("/1/demerge/profiles.json",
                                "{\"identities\":[\"rb-" + i + "\"]}");
                        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                    }
                });
                Future<?> events = pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        List<String> records = new ArrayList<>();
                        merged.forEach(guid -> records.add(eventTo("objectId", guid, "Raced")));
                        ApiResponse answer = TestServer.send(second.request("/1/upload")
                                .header("X-CleverTap-Account-Id", merging.accountId())
                                .header("X-CleverTap-Passcode", merging.passcode())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(batch(records.toArray(String[]::new)))));
                        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(pairs);
                    }
                });
                demerges.get();
                events.get();
            } finally {
                pool.shutdownNow();
            }
            for (String guid : merged) {
                JsonNode back = record("objectId=" + guid);
                assertThat(back.get("objectId").asText()).isEqualTo(guid);
                assertThat(back.get("events").get("Raced").get("count").asInt()).as(guid).isEqualTo(rounds);
            }
            assertThat(server.violations()).isEmpty();
        }
    }
}
