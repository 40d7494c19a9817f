package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** API.md section 4 and the seed document: a phone number changes hands. */
abstract class DisassociateContract extends ServerContract {
    private static final String P = "+919213231415";

    private JsonNode record(String query) {
        ApiResponse response = api.get("/1/profile.json?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("record");
    }

    @Test
    void seedStory_numberChangesHands_newOwnerGetsAFreshProfile() {
        api.post("/1/upload", batch(profile("identity", "user-a", "{\"Name\":\"A\",\"Phone\":\"" + P
                + "\",\"MSG-sms\":true,\"Plan\":\"gold\"}"), event("identity", "user-a", "Charged", "{}")));
        String a = record("phone=" + P).get("objectId").asText();

        ApiResponse cut = api.post("/1/disassociate/", "{\"d\":[{\"type\":\"phone\",\"value\":\"" + P + "\"}]}");
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.json().toString()).isEqualTo("{\"status\":\"success\",\"processed\":1,\"unprocessed\":[]}");

        api.post("/1/upload", batch(profile("identity", P, "{\"Name\":\"B\"}")));
        JsonNode b = record("phone=" + P);
        assertThat(b.get("objectId").asText()).isNotEqualTo(a);
        assertThat(b.get("name").asText()).isEqualTo("B");
        assertThat(b.get("profileData").has("Plan")).isFalse();
        assertThat(b.get("profileData").has("MSG-sms")).isFalse();
        assertThat(b.get("events")).isEmpty();

        api.post("/1/upload", batch(event("objectId", a, "Renewed", "{}"),
                profile("objectId", a, "{\"Note\":\"still A\"}")));
        JsonNode oldA = record("objectId=" + a);
        assertThat(oldA.get("name").asText()).isEqualTo("A");
        assertThat(oldA.has("phone")).isFalse();
        assertThat(oldA.get("identity").asText()).isEqualTo("user-a");
        assertThat(oldA.get("profileData").get("Plan").asText()).isEqualTo("gold");
        assertThat(oldA.get("profileData").get("Note").asText()).isEqualTo("still A");
        assertThat(oldA.get("events").get("Charged").get("count").asInt()).isEqualTo(1);
        assertThat(oldA.get("events").get("Renewed").get("count").asInt()).isEqualTo(1);
        assertThat(record("phone=" + P).get("events").has("Renewed")).isFalse();

        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(api.accountId(), IdentityKey.phone(P)));
        assertThat(history).hasSize(2);
        assertThat(history.get(1).guid()).contains(a);
        assertThat(history.get(1).endReason()).contains(BindingReason.DISASSOCIATED);
        assertThat(history.get(0).to()).isEmpty();
    }

    @Test
    void profileDataPhone_afterDisassociation_createsNewProfileToo() {
        api.post("/1/upload", batch(profile("identity", "old-owner", "{\"Phone\":\"" + P + "\"}")));
        api.post("/1/disassociate", batch(phoneRecord(P)));
        ApiResponse response = api.post("/1/upload", batch(profile("identity", "new-owner", "{\"Phone\":\"" + P + "\"}")));
        assertThat(response.json().get("status").asText()).isEqualTo("success");
        assertThat(record("phone=" + P).get("identity").asText()).isEqualTo("new-owner");
    }

    @Test
    void mixedBatchOfSix_answersPartial_withTheRightCodes() {
        api.post("/1/upload", batch(profile("identity", P, "{}")));
        ApiResponse response = api.post("/1/disassociate", batch(phoneRecord(P), phoneRecord("+91 92132-31415"),
                phoneRecord("+919213231499"), phoneRecord("12"), "{\"type\":\"email\",\"value\":\"a@b.co\"}", "7"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).isEqualTo("partial");
        assertThat(response.json().get("processed").asInt()).isEqualTo(1);
        JsonNode failures = response.json().get("unprocessed");
        assertThat(failures).extracting(f -> f.get("code").asInt()).containsExactly(543, 543, 516, 541, 541);
        assertThat(failures).extracting(f -> f.get("error").asText()).containsExactly(
                "Phone number is not associated with any profile. Skipped record number : 2",
                "Phone number is not associated with any profile. Skipped record number : 3",
                "Phone number is not valid. Skipped record number : 4",
                "Record type is not valid. Expected type 'phone'. Skipped record number : 5",
                "Record type is not valid. Expected type 'phone'. Skipped record number : 6");
        assertThat(failures.get(1).get("record").get("value").asText()).isEqualTo("+919213231499");
        assertThat(failures.get(4).get("record").asInt()).isEqualTo(7);
    }

    @Test
    void dryRun_answersWhatTheRealCallWould_andChangesNoData() {
        api.post("/1/upload", batch(profile("identity", "x", "{\"Phone\":\"" + P + "\"}"),
                profile("identity", "+15551230010", "{}")));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        String body = batch(phoneRecord(P), phoneRecord("+15551230010"), phoneRecord("+15551230011"));
        ApiResponse dry = api.post("/1/disassociate?dryRun=1", body);
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
        assertThat(record("phone=" + P).get("identity").asText()).isEqualTo("x");
        ApiResponse real = api.post("/1/disassociate", body);
        assertThat(dry.json()).isEqualTo(real.json());
        assertThat(real.json().get("processed").asInt()).isEqualTo(2);
    }

    @Test
    void phoneNotAnIdentity_every_record_is542() {
        TestServer.Client noPhone = server.newAccount(true, false, ConflictPolicy.REJECT);
        ApiResponse response = noPhone.post("/1/disassociate", batch(phoneRecord(P), phoneRecord("+15551230012")));
        assertThat(response.json().get("status").asText()).isEqualTo("fail");
        assertThat(response.json().get("unprocessed")).extracting(f -> f.get("code").asInt()).containsExactly(542, 542);
    }

    @Test
    void malformedEnvelope_is400_withJson() {
        for (String body : List.of("{}", "{\"d\":{}}", "{\"d\":[]}", "{\"d\":\"x\"}", "[1]")) {
            ApiResponse response = api.post("/1/disassociate", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().get("status").asText()).isEqualTo("fail");
            assertThat(response.json().get("code").asInt()).isEqualTo(400);
        }
        StringBuilder tooMany = new StringBuilder("{\"d\":[");
        for (int i = 0; i < 1001; i++) {
            tooMany.append(i == 0 ? "" : ",").append(phoneRecord("+1555" + String.format("%07d", i)));
        }
        assertThat(api.post("/1/disassociate", tooMany.append("]}").toString()).status()).isEqualTo(400);
    }

    @Test
    void sameNumberTwiceInOneBatch_secondIs543() {
        api.post("/1/upload", batch(profile("identity", P, "{}")));
        ApiResponse response = api.post("/1/disassociate", batch(phoneRecord(P), phoneRecord(P)));
        assertThat(response.json().get("processed").asInt()).isEqualTo(1);
        assertThat(response.json().get("unprocessed").get(0).get("code").asInt()).isEqualTo(543);
    }

    @Test
    void fullBatchOf1000_isDisassociatedInOneRequest_withAHandfulOfStatements() {
        StringBuilder profiles = new StringBuilder();
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String phone = "+1555" + String.format("%07d", i);
            profiles.append(i == 0 ? "" : ",").append(profile("identity", phone, "{}"));
            numbers.append(i == 0 ? "" : ",").append(phoneRecord(phone));
        }
        assertThat(api.post("/1/upload", "{\"d\":[" + profiles + "]}").json().get("processed").asInt())
                .isEqualTo(1000);
        long before = server.store().statementCount();
        ApiResponse response = api.post("/1/disassociate", "{\"d\":[" + numbers + "]}");
        assertThat(response.json().get("processed").asInt()).isEqualTo(1000);
        // authentication, the account's row, one lookup, one update ending the bindings, one writing their keys' rows,
        // one update of the profiles, the account's webhook endpoints (none), the audit entry; where writers run at
        // once, the keys' rows made and locked and the profiles holding them locked first (the lock order), three more
        assertThat(server.store().statementCount() - before).isLessThanOrEqualTo(backend().postgres() ? 11 : 8);
        assertThat(api.get("/1/profile.json?phone=%2B15550000999").status()).isEqualTo(404);
    }
}
