package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/API.md section 8: {@code POST /1/subscribe}, address-level subscription status. */
abstract class SubscribeContract extends ServerContract {
    private static final String P = "+919213231415";

    private static String subscription(String type, String value, String status) {
        return "{\"type\":\"" + type + "\",\"value\":\"" + value + "\",\"status\":\"" + status + "\"}";
    }

    private JsonNode record(String query) {
        ApiResponse response = api.get("/1/profile.json?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("record");
    }

    @Test
    void unsubscribeAndResubscribe_showOnTheProfileThatUsesTheAddress() {
        api.post("/1/upload", batch(profile("identity", "user-s", "{\"Phone\":\"" + P + "\",\"Email\":\"S@X.co\"}")));
        assertThat(record("identity=user-s").get("subscriptions").toString()).isEqualTo("{}");

        ApiResponse answer = api.post("/1/subscribe", batch(subscription("phone", "+91 92132 31415", "Unsubscribe"),
                subscription("email", "s@x.co", "Unsubscribe")));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"success\",\"processed\":2,\"unprocessed\":[]}");
        assertThat(record("identity=user-s").get("subscriptions").toString())
                .isEqualTo("{\"phone\":\"Unsubscribe\",\"email\":\"Unsubscribe\"}");

        api.post("/1/subscribe", batch(subscription("email", "s@x.co", "Resubscribe")));
        assertThat(record("identity=user-s").get("subscriptions").toString())
                .isEqualTo("{\"phone\":\"Unsubscribe\",\"email\":\"Resubscribe\"}");
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void anAddressNobodyHoldsYet_keepsItsStatusForWhoeverTakesItLater() {
        api.post("/1/subscribe", batch(subscription("email", "later@x.co", "Unsubscribe")));
        api.post("/1/upload", batch(profile("identity", "later", "{\"Email\":\"later@x.co\"}")));
        assertThat(record("email=later@x.co").get("subscriptions").toString())
                .isEqualTo("{\"email\":\"Unsubscribe\"}");
    }

    @Test
    void anUnsubscribedNumber_staysUnsubscribedForItsNextOwner_theOldOwnersOptInDoesNotMove() {
        api.post("/1/upload", batch(profile("identity", "old-owner", "{\"Phone\":\"" + P + "\",\"MSG-sms\":true}")));
        String oldGuid = record("phone=" + P).get("objectId").asText();
        api.post("/1/subscribe", batch(subscription("phone", P, "Unsubscribe")));
        assertThat(api.post("/1/disassociate", batch(phoneRecord(P))).json().get("processed").asInt()).isEqualTo(1);
        api.post("/1/upload", batch(profile("identity", P, "{\"Name\":\"New owner\"}")));

        JsonNode newOwner = record("phone=" + P);
        assertThat(newOwner.get("objectId").asText()).isNotEqualTo(oldGuid);
        assertThat(newOwner.get("subscriptions").toString()).isEqualTo("{\"phone\":\"Unsubscribe\"}");
        assertThat(newOwner.get("profileData").has("MSG-sms")).isFalse();
        JsonNode oldOwner = record("objectId=" + oldGuid);
        assertThat(oldOwner.get("profileData").get("MSG-sms").asBoolean()).isTrue();
        assertThat(oldOwner.has("phone")).isFalse();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void badRecords_getTheirCodes_inRequestOrder_andChangeNothing() {
        api.post("/1/upload", batch(profile("identity", "user-b", "{\"Phone\":\"" + P + "\"}")));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        ApiResponse answer = api.post("/1/subscribe", batch(subscription("sms", P, "Unsubscribe"), "42",
                "{\"type\":\"phone\",\"status\":\"Unsubscribe\"}", subscription("phone", "12", "Unsubscribe"),
                subscription("email", "not-an-email", "Unsubscribe"), subscription("phone", P, "Off"),
                "{\"type\":\"email\",\"value\":\"b@x.co\"}"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("status").asText()).isEqualTo("fail");
        assertThat(body.get("processed").asInt()).isZero();
        assertThat(body.get("unprocessed").findValuesAsText("code")).containsExactly("541", "541", "516", "516",
                "515", "550", "550");
        assertThat(body.get("unprocessed").get(0).get("error").asText())
                .isEqualTo("Record type is not valid. Expected type 'phone' or 'email'. Skipped record number : 1");
        assertThat(body.get("unprocessed").get(5).get("error").asText()).isEqualTo(
                "Subscription status is not valid. Expected 'Unsubscribe' or 'Resubscribe'. Skipped record number : 6");
        assertThat(body.get("unprocessed").get(6).get("record").toString())
                .isEqualTo("{\"type\":\"email\",\"value\":\"b@x.co\"}");
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);

        ApiResponse partial = api.post("/1/subscribe", batch(subscription("phone", P, "Unsubscribe"),
                subscription("phone", "123", "Unsubscribe")));
        assertThat(partial.json().get("status").asText()).isEqualTo("partial");
        assertThat(partial.json().get("processed").asInt()).isEqualTo(1);
    }

    @Test
    void requestLevelErrors_are400() {
        assertError(api.post("/1/subscribe", "{\"d\":[]}"), 400, null);
        assertError(api.post("/1/subscribe", "{\"d\":{}}"), 400, null);
        assertError(api.post("/1/subscribe", "not json"), 400, null);
    }

    @Test
    void dryRun_answersTheSame_andWritesNothing() {
        api.post("/1/upload", batch(profile("identity", "user-d", "{\"Phone\":\"" + P + "\"}")));
        List<String> before = DataSnapshot.of(server.databaseUrl());
        ApiResponse dry = api.post("/1/subscribe?dryRun=1", batch(subscription("phone", P, "Unsubscribe"),
                subscription("phone", "1", "Unsubscribe")));
        assertThat(dry.json().get("status").asText()).isEqualTo("partial");
        assertThat(dry.json().get("processed").asInt()).isEqualTo(1);
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(before);
        assertThat(record("phone=" + P).get("subscriptions").toString()).isEqualTo("{}");
    }
}
