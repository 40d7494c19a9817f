package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/API.md section 11: {@code GET /1/identity/history.json}, who held a value, and what a profile held. */
abstract class HistoryContract extends ServerContract {
    private static final String P = "+14155550142";

    private JsonNode history(TestServer.Client client, String query) {
        ApiResponse response = client.get("/1/identity/history.json?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).isEqualTo("success");
        return response.json().get("history");
    }

    private String guidOf(TestServer.Client client, String query) {
        return client.get("/1/profile.json?" + query).json().get("record").get("objectId").asText();
    }

    private static List<String> lines(JsonNode history) {
        List<String> lines = new ArrayList<>();
        history.forEach(e -> lines.add(e.get("kind").asText() + " " + e.get("value").asText() + " "
                + (e.get("to").isNull() ? "active" : "ended") + " " + e.get("reason").asText()));
        return lines;
    }

    @Test
    void byPhone_everyProfileThatHeldTheNumber_newestFirst_andADeletedOneWithoutItsGuid() {
        api.post("/1/upload", batch(profile("identity", "first-owner", "{\"Phone\":\"" + P + "\"}")));
        String first = guidOf(api, "identity=first-owner");
        api.post("/1/disassociate", batch(phoneRecord(P)));
        api.post("/1/upload", batch(profile("identity", P, "{\"Name\":\"Second\"}")));
        String second = guidOf(api, "phone=" + P);

        JsonNode history = history(api, "phone=" + P);
        assertThat(history).hasSize(2);
        JsonNode now = history.get(0);
        assertThat(now.get("objectId").asText()).isEqualTo(second);
        assertThat(now.get("kind").asText()).isEqualTo("Phone");
        assertThat(now.get("value").asText()).isEqualTo(P);
        assertThat(now.get("to").isNull()).isTrue();
        assertThat(now.get("reason").asText()).isEqualTo("uploaded");
        assertThat(now.get("endReason").isNull()).isTrue();
        JsonNode before = history.get(1);
        assertThat(before.get("objectId").asText()).isEqualTo(first);
        assertThat(before.get("reason").asText()).isEqualTo("disassociated");
        assertThat(before.get("startReason").asText()).isEqualTo("uploaded");
        assertThat(before.get("to").asLong()).isGreaterThanOrEqualTo(before.get("from").asLong());
        assertThat(now.get("from").asLong()).isGreaterThanOrEqualTo(before.get("to").asLong());
        // the same number, written as a client may send it
        assertThat(history(api, "phone=+1%20415%20555%200142")).isEqualTo(history);

        api.post("/1/delete/profiles.json", "{\"guid\":\"" + second + "\"}");
        JsonNode afterDelete = history(api, "phone=" + P);
        assertThat(afterDelete.get(0).get("objectId").isNull()).isTrue();
        assertThat(afterDelete.get(0).get("reason").asText()).isEqualTo("deleted");
        assertThat(afterDelete.get(1).get("objectId").asText()).isEqualTo(first);
    }

    @Test
    void byObjectId_everyIdentityTheProfileEverHeld() {
        api.post("/1/upload", batch(profile("identity", "holder", "{\"Email\":\"one@x.co\",\"Phone\":\"" + P + "\"}")));
        String guid = guidOf(api, "identity=holder");
        api.post("/1/upload", batch(profile("identity", "holder", "{\"Email\":\"two@x.co\"}")));
        api.post("/1/disassociate", batch(phoneRecord(P)));

        assertThat(lines(history(api, "objectId=" + guid))).containsExactlyInAnyOrder(
                "Identity holder active uploaded", "Email one@x.co ended replaced", "Email two@x.co active uploaded",
                "Phone " + P + " ended disassociated");
        assertThat(history(api, "objectId=" + guid)).allSatisfy(e -> assertThat(e.get("objectId").asText())
                .isEqualTo(guid));
    }

    @Test
    void byIdentity_coversEveryKindTheValueCanBe_andMergesShowAsSuch() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        merging.post("/1/upload", batch(profile("identity", "m-a", "{\"Email\":\"m@x.co\"}")));
        String a = guidOf(merging, "identity=m-a");
        merging.post("/1/upload", batch(profile("identity", "m-b", "{\"Email\":\"m@x.co\"}")));
        String b = guidOf(merging, "identity=m-b");

        JsonNode email = history(merging, "identity=M@X.co");
        assertThat(email).isEqualTo(history(merging, "email=m@x.co"));
        assertThat(email).hasSize(2);
        assertThat(email.get(0).get("objectId").asText()).isEqualTo(b);
        assertThat(email.get(0).get("reason").asText()).isEqualTo("merged");
        assertThat(email.get(1).get("objectId").asText()).isEqualTo(a);
        assertThat(email.get(1).get("reason").asText()).isEqualTo("merged");
    }

    @Test
    void badQueries_are400_andAValueNeverSeen_hasAnEmptyHistory() {
        assertThat(history(api, "phone=+14155550199")).isEmpty();
        assertThat(history(api, "objectId=nobody")).isEmpty();
        String notOne = "Give exactly one of identity, email, phone or objectId";
        Map<String, String> refused = Map.of("", notOne, "phone=" + P + "&email=a@x.co", notOne, "identity=", notOne,
                "phone=123", "Phone number is not valid", "email=not-an-email", "Email is not valid",
                "objectId=not%20a%20guid", "objectId is not valid: 1 to 64 letters, digits, '_' or '-'");
        refused.forEach((query, error) -> assertError(api.get("/1/identity/history.json?" + query), 400, error));
    }
}
