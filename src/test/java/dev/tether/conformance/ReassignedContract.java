package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * docs/API.md section 12 (the contract's rule 7b): {@code POST /1/identity/reassigned.json}, one named test per case of 7b. The day of each
 * question is counted from the day the server bound the number (read from the history), so a test that runs across
 * midnight UTC asks the same question.
 */
abstract class ReassignedContract extends ServerContract {
    private static final String P = "+14155550177";

    private String ask(TestServer.Client client, String phone, LocalDate date) {
        ApiResponse answer = client.post("/1/identity/reassigned.json",
                "{\"d\":[{\"phone\":\"" + phone + "\",\"date\":\"" + date + "\"}]}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).as(answer.body()).isEqualTo("success");
        JsonNode result = answer.json().get("results").get(0);
        assertThat(result.get("phone").asText()).isEqualTo(P);
        assertThat(result.get("date").asText()).isEqualTo(date.toString());
        return result.get("reassigned").asText();
    }

    /** The UTC day the number's first binding started. */
    private LocalDate boundOn(TestServer.Client client) {
        JsonNode history = client.get("/1/identity/history.json?phone=" + P).json().get("history");
        long from = history.get(history.size() - 1).get("from").asLong();
        return LocalDate.ofInstant(Instant.ofEpochSecond(from), ZoneOffset.UTC);
    }

    private void bind(TestServer.Client client, String owner) {
        ApiResponse answer = client.post("/1/upload", batch(profile("identity", owner, "{\"Phone\":\"" + P + "\"}")));
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(1);
    }

    private void disassociate(TestServer.Client client) {
        assertThat(client.post("/1/disassociate", batch(phoneRecord(P))).json().get("processed").asInt()).isEqualTo(1);
    }

    @Test
    void heldContinuouslyByOneProfileSinceBeforeTheDate_isNo() {
        bind(api, "owner");
        assertThat(ask(api, P, boundOn(api).plusDays(1))).isEqualTo("no");
        assertThat(ask(api, P, boundOn(api))).isEqualTo("no");
    }

    @Test
    void disassociatedOnOrAfterTheDate_isYes_evenWhenBoundAgainLater() {
        bind(api, "owner");
        disassociate(api);
        bind(api, "next-owner");
        assertThat(ask(api, P, boundOn(api))).isEqualTo("yes");
        assertThat(ask(api, P, boundOn(api).minusDays(30))).isEqualTo("yes");
    }

    @Test
    void disassociatedBeforeTheDate_andBoundAgainBeforeIt_isNo() {
        bind(api, "owner");
        disassociate(api);
        bind(api, "next-owner");
        assertThat(ask(api, P, boundOn(api).plusDays(1))).isEqualTo("no");
    }

    @Test
    void transferredOnOrAfterTheDate_isYes() {
        TestServer.Client transfer = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        bind(transfer, "owner");
        bind(transfer, "taker");
        assertThat(ask(transfer, P, boundOn(transfer))).isEqualTo("yes");
    }

    @Test
    void deletedOnOrAfterTheDate_isYes() {
        bind(api, "owner");
        assertThat(api.post("/1/delete/profiles.json", "{\"identity\":\"owner\"}").json().get("processed").asInt())
                .isEqualTo(1);
        assertThat(ask(api, P, boundOn(api))).isEqualTo("yes");
    }

    @Test
    void movedByAMerge_isNotAChangeOfHands_andIsNo() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        bind(merging, "owner");
        bind(merging, "same-person");
        JsonNode history = merging.get("/1/identity/history.json?phone=" + P).json().get("history");
        assertThat(history.get(1).get("reason").asText()).isEqualTo("merged");
        assertThat(ask(merging, P, boundOn(merging))).isEqualTo("no");
    }

    @Test
    void neverSeen_isNoData() {
        assertThat(ask(api, P, LocalDate.of(2026, 1, 1))).isEqualTo("no_data");
    }

    @Test
    void firstBoundAfterTheDate_andNeverEnded_isNoData() {
        bind(api, "owner");
        assertThat(ask(api, P, boundOn(api).minusDays(1))).isEqualTo("no_data");
    }

    @Test
    void badRecords_get516Or545_andOnlyProcessedRecordsHaveResults_inRequestOrder() {
        bind(api, "owner");
        ApiResponse answer = api.post("/1/identity/reassigned.json", "{\"d\":["
                + "{\"phone\":\"123\",\"date\":\"2026-01-01\"},"
                + "{\"phone\":\"+1 415 555 0177\",\"date\":\"2026-11-30\"},"
                + "{\"phone\":\"" + P + "\",\"date\":\"2026-02-30\"},"
                + "{\"phone\":\"" + P + "\",\"date\":\"20261130\"},"
                + "{\"phone\":\"" + P + "\"},"
                + "\"not a record\","
                + "{\"phone\":\"+14155550100\",\"date\":\"2020-01-01\"}]}");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("status").asText()).isEqualTo("partial");
        assertThat(body.get("processed").asInt()).isEqualTo(2);
        assertThat(body.get("unprocessed").findValuesAsText("code")).containsExactly("516", "545", "545", "545", "516");
        assertThat(body.get("unprocessed").get(1).get("error").asText())
                .isEqualTo("Date is not valid. Expected YYYY-MM-DD. Skipped record number : 3");
        assertThat(body.get("results")).hasSize(2);
        assertThat(body.get("results").get(0).get("phone").asText()).isEqualTo(P);
        assertThat(body.get("results").get(1).toString())
                .isEqualTo("{\"phone\":\"+14155550100\",\"date\":\"2020-01-01\",\"reassigned\":\"no_data\"}");
        assertError(api.post("/1/identity/reassigned.json", "{\"d\":[]}"), 400, null);
    }
}
