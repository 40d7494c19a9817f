package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.tether.account.ConflictPolicy;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract's section 7c: CAMARA's number recycling check, {@code POST /number-recycling/v0.2/check}, a test for
 * each row of its meaning (the gap case against the FCC-style check's answer too), the days at their edges, and
 * CAMARA's errors in CAMARA's bodies; and a disassociation that cuts only the old owner ({@code disconnectedOn}). The server runs on a clock the test moves: each test starts on a day of its own
 * and sets the second of every change. Every request and answer is also held to CAMARA's published schema
 * ({@code src/test/resources/camara}).
 */
abstract class NumberRecyclingContract extends ServerContract {
    private static final String PATH = "/number-recycling/v0.2/check";
    private static final String P = "+14155550142";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode CAMARA = camaraSchema();

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-03-01T12:00:00Z"));
    /** The first day of the running test: nothing happened in its account before it. */
    private LocalDate d0;

    @Override
    @BeforeAll
    void startServer() {
        server = new TestServer(backend(), clock);
    }

    @BeforeEach
    void aDayOfItsOwn() {
        d0 = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(2);
        at(d0, "08:00:00");
    }

    private void at(LocalDate day, String time) {
        clock.moveTo(day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC));
    }

    private void bind(TestServer.Client client, String owner) {
        ApiResponse answer = client.post("/1/upload", batch(profile("identity", owner, "{\"Phone\":\"" + P + "\"}")));
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(1);
    }

    private void disassociate(TestServer.Client client) {
        ApiResponse answer = client.post("/1/disassociate", batch(phoneRecord(P)));
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(1);
    }

    private ApiResponse check(TestServer.Client client, String body, String... headers) {
        assertConforms("CreateCheckNumRecycling", body);
        return client.post(PATH, body, headers);
    }

    /** CAMARA's answer for {@link #P} and this day: 200 and its boolean. */
    private boolean recycled(TestServer.Client client, LocalDate day) {
        ApiResponse answer = check(client, "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + day + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertConforms("CheckNumRecyclingInfo", answer.body());
        assertThat(answer.json().size()).as(answer.body()).isEqualTo(1);
        return answer.json().get("phoneNumberRecycled").asBoolean();
    }

    /** The FCC-style check's answer for the same question (yes, no, no_data). */
    private String reassigned(TestServer.Client client, LocalDate day) {
        ApiResponse answer = client.post("/1/identity/reassigned.json",
                "{\"d\":[{\"phone\":\"" + P + "\",\"date\":\"" + day + "\"}]}");
        return answer.json().get("results").get(0).get("reassigned").asText();
    }

    /** An error of the route: CAMARA's shape, and the route's codes for its status where CAMARA lists them. */
    private static void assertCamaraError(ApiResponse answer, int status, String code) {
        assertCamaraShape(answer, status, code);
        if (CAMARA.get("$defs").has("Error" + status)) {
            assertConforms("Error" + status, answer.body());
        }
    }

    /** CAMARA's error shape with this status and code: the shape of every error under /number-recycling/. */
    private static void assertCamaraShape(ApiResponse answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("status").asInt()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("code").asText()).as(answer.body()).isEqualTo(code);
        assertThat(answer.json().get("message").asText()).as(answer.body()).isNotBlank();
        assertThat(answer.json().size()).as("status, code and message only: " + answer.body()).isEqualTo(3);
    }

    @Test
    void heldByOneProfileSinceBeforeTheDay_isFalse_andOnTheDayItWasBound() {
        bind(api, "owner");
        at(d0.plusDays(10), "09:00:00");
        assertThat(recycled(api, d0.plusDays(3))).isFalse();
        assertThat(recycled(api, d0)).as("the day it was bound: held by her at its end").isFalse();
    }

    @Test
    void leftItsHolderAfterTheDay_isTrue_evenWhenBoundAgainLater() {
        bind(api, "owner");
        at(d0.plusDays(3), "10:00:00");
        disassociate(api);
        assertThat(recycled(api, d0.plusDays(1))).isTrue();
        at(d0.plusDays(5), "10:00:00");
        bind(api, "next-owner");
        assertThat(recycled(api, d0.plusDays(1))).isTrue();
        assertThat(recycled(api, d0.plusDays(5))).as("the new holder's first day").isFalse();
    }

    @Test
    void nobodyHeldItAtTheEndOfTheDay_andSomeoneHasSince_isTrue_whereTheFccCheckSaysNo() {
        bind(api, "owner");
        at(d0.plusDays(2), "12:00:00");
        disassociate(api);
        at(d0.plusDays(5), "12:00:00");
        bind(api, "next-owner");
        assertThat(recycled(api, d0.plusDays(3))).isTrue();
        assertThat(reassigned(api, d0.plusDays(3))).as("the FCC-style check: the number left nobody after the day")
                .isEqualTo("no");
    }

    @Test
    void nobodyHasHeldItSince_isFalse() {
        bind(api, "owner");
        at(d0.plusDays(2), "12:00:00");
        disassociate(api);
        at(d0.plusDays(6), "12:00:00");
        assertThat(recycled(api, d0.plusDays(3))).isFalse();
        assertThat(recycled(api, d0.plusDays(2))).as("cut on the day itself: nobody held it at its end").isFalse();
    }

    @Test
    void aMergeIsNotAChangeOfSubscriber_isFalse() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        bind(merging, "owner");
        at(d0.plusDays(2), "12:00:00");
        bind(merging, "same-person");
        JsonNode history = merging.get("/1/identity/history.json?phone=" + P).json().get("history");
        assertThat(history.get(0).get("reason").asText()).as(history.toString()).isEqualTo("merged");
        assertThat(recycled(merging, d0)).isFalse();
    }

    @Test
    void aMergeThatDropsTheNumber_isNoChangeOfSubscriber_asTheFccCheckSays() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        assertThat(merging.post("/1/upload", batch(
                profile("identity", "x", "{\"Phone\":\"" + P + "\",\"Email\":\"x@shop.co\"}"),
                profile("identity", "y", "{\"Phone\":\"+14155550143\"}"))).json().get("processed").asInt())
                .isEqualTo(2);
        at(d0.plusDays(2), "12:00:00");
        assertThat(merging.post("/1/upload", batch(profile("identity", "y", "{\"Email\":\"x@shop.co\"}")))
                .json().get("processed").asInt()).isEqualTo(1);
        JsonNode history = merging.get("/1/identity/history.json?phone=" + P).json().get("history");
        assertThat(history).as(history.toString()).singleElement()
                .satisfies(entry -> assertThat(entry.get("endReason").asText()).isEqualTo("merged"));
        at(d0.plusDays(4), "12:00:00");
        assertThat(recycled(merging, d0)).as("dropped by a merge, nobody since").isFalse();
        assertThat(reassigned(merging, d0)).isEqualTo("no");
    }

    @Test
    void aTransferAndADeleteAfterTheDay_areChangesOfSubscriber() {
        TestServer.Client transfer = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        bind(transfer, "owner");
        at(d0.plusDays(2), "12:00:00");
        bind(transfer, "taker");
        assertThat(recycled(transfer, d0)).isTrue();

        bind(api, "owner");
        at(d0.plusDays(3), "12:00:00");
        assertThat(api.post("/1/delete/profiles.json", "{\"identity\":\"owner\"}").json().get("processed").asInt())
                .isEqualTo(1);
        assertThat(recycled(api, d0.plusDays(2))).isTrue();
    }

    @Test
    void aNumberTakenAtTheLastSecondOfTheDay_wasHeldAtItsEnd_atTheFirstSecondOfTheNext_wasNot() {
        TestServer.Client late = server.newAccount();
        bind(late, "owner");
        bind(api, "owner");
        at(d0.plusDays(1), "12:00:00");
        disassociate(late);
        disassociate(api);
        at(d0.plusDays(3), "23:59:59");
        bind(late, "late-taker");
        at(d0.plusDays(4), "00:00:00");
        bind(api, "next-day-taker");
        at(d0.plusDays(6), "12:00:00");
        assertThat(recycled(late, d0.plusDays(3))).as("taken at 23:59:59 of the day").isFalse();
        assertThat(recycled(api, d0.plusDays(3))).as("taken at 00:00:00 of the next day").isTrue();
    }

    @Test
    void aNumberCutAtTheLastSecondOfTheDay_wasCutOnIt_atTheFirstSecondOfTheNext_after() {
        TestServer.Client late = server.newAccount();
        bind(late, "owner");
        bind(api, "owner");
        at(d0.plusDays(2), "23:59:59");
        disassociate(late);
        at(d0.plusDays(3), "00:00:00");
        disassociate(api);
        assertThat(recycled(late, d0.plusDays(2))).as("cut at 23:59:59 of the day, nobody since").isFalse();
        assertThat(recycled(api, d0.plusDays(2))).as("cut at 00:00:00 of the next day").isTrue();
    }

    @Test
    void aDayAfterToday_orBeforeTheAccountFirstSawTheNumber_isOutOfRange() {
        bind(api, "owner");
        assertCamaraError(check(api, "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + d0.plusDays(1) + "\"}"),
                400, "OUT_OF_RANGE");
        assertCamaraError(check(api, "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + d0.minusDays(1)
                + "\"}"), 400, "OUT_OF_RANGE");
        assertThat(recycled(api, d0)).as("today, the day it was first seen").isFalse();
    }

    @Test
    void aNumberTheAccountNeverKnew_isIdentifierNotFound() {
        bind(server.newAccount(), "someone-elses");
        assertCamaraError(check(api, "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + d0 + "\"}"),
                404, "IDENTIFIER_NOT_FOUND");
    }

    @Test
    void badRequests_getCamarasErrors_andChangeNothing() {
        bind(api, "owner");
        String day = "\"specifiedDate\":\"" + d0 + "\"";
        assertCamaraError(check(api, "{" + day + "}"), 422, "MISSING_IDENTIFIER");
        for (String body : new String[] {
            "{\"phoneNumber\":\"14155550142\"," + day + "}",
            "{\"phoneNumber\":\"+1 415 555 0142\"," + day + "}",
            "{\"phoneNumber\":14155550142," + day + "}",
            "{\"phoneNumber\":\"+999123456\"," + day + "}",
            "{\"phoneNumber\":\"" + P + "\"}",
            "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"2026-02-30\"}",
            "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"20260301\"}",
            "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":null}",
            "{\"phoneNumber\":\"" + P + "\"," + day + ",\"maxAge\":240}",
            "[]"}) {
            assertCamaraError(api.post(PATH, body), 400, "INVALID_ARGUMENT");
        }
        assertCamaraError(api.post(PATH, "{\"phoneNumber\":"), 400, "INVALID_ARGUMENT");
        assertThat(api.get("/1/identity/history.json?phone=" + P).json().get("history")).hasSize(1);
    }

    @Test
    void authenticationTheMediaTypeAndTheMethod_answerInCamarasShape() {
        String body = "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + d0 + "\"}";
        assertCamaraError(post(PATH, body, "Content-Type", "application/json", "X-CleverTap-Account-Id",
                api.accountId(), "X-CleverTap-Passcode", "wrong"), 401, "UNAUTHENTICATED");
        assertCamaraError(post(PATH, body, "Content-Type", "application/json"), 401, "UNAUTHENTICATED");
        assertCamaraError(post(PATH, body, "Content-Type", "text/plain", "X-CleverTap-Account-Id", api.accountId(),
                "X-CleverTap-Passcode", api.passcode()), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertCamaraError(api.get(PATH), 405, "METHOD_NOT_ALLOWED");
        assertCamaraShape(api.post("/number-recycling/v0.1/check", body), 404, "NOT_FOUND");
    }

    @Test
    void theXCorrelator_isEchoedOnEveryAnswer_andOneBreakingItsPatternIsRefused() {
        bind(api, "owner");
        String body = "{\"phoneNumber\":\"" + P + "\",\"specifiedDate\":\"" + d0 + "\"}";
        ApiResponse answered = check(api, body, "x-correlator", "b4333c46-49c0-4f62-80d7-f0ef930f1c46");
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.header("x-correlator")).hasValue("b4333c46-49c0-4f62-80d7-f0ef930f1c46");
        ApiResponse refused = check(api, "{\"specifiedDate\":\"" + d0 + "\"}", "x-correlator", "req:{42}");
        assertCamaraError(refused, 422, "MISSING_IDENTIFIER");
        assertThat(refused.header("x-correlator")).hasValue("req:{42}");
        ApiResponse bad = check(api, body, "x-correlator", "two words");
        assertCamaraError(bad, 400, "INVALID_ARGUMENT");
        assertThat(bad.header("x-correlator")).isEmpty();
        assertThat(check(api, body).header("x-correlator")).isEmpty();
    }

    private ApiResponse disconnected(TestServer.Client client, String day, String... query) {
        return client.post("/1/disassociate" + (query.length > 0 ? query[0] : ""), batch("{\"type\":\"phone\","
                + "\"value\":\"" + P + "\",\"disconnectedOn\":" + day + "}"));
    }

    private static void assertCode(ApiResponse answer, int code) {
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isZero();
        assertThat(answer.json().get("unprocessed").get(0).get("code").asInt()).as(answer.body()).isEqualTo(code);
    }

    private String holder(TestServer.Client client) {
        JsonNode history = client.get("/1/identity/history.json?phone=" + P).json().get("history");
        JsonNode latest = history.get(0);
        return latest.get("to").isNull() ? latest.get("objectId").asText() : "nobody";
    }

    @Test
    void disconnectedOn_cutsAHolderWhoHadTheNumberByThatDay_toTheLastSecond() {
        bind(api, "owner");
        TestServer.Client late = server.newAccount();
        at(d0.plusDays(2), "23:59:59");
        bind(late, "owner");
        at(d0.plusDays(5), "12:00:00");
        ApiResponse cut = disconnected(api, "\"" + d0.plusDays(2) + "\"");
        assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
        assertThat(holder(api)).isEqualTo("nobody");
        ApiResponse lastSecond = disconnected(late, "\"" + d0.plusDays(2) + "\"");
        assertThat(lastSecond.json().get("processed").asInt()).as("bound at 23:59:59 of the day: had it by its end")
                .isEqualTo(1);
    }

    @Test
    void aHolderWhoTookTheNumberAfterTheDay_keepsIt_552_inADryRunToo_andNothingChanges() {
        bind(api, "owner");
        at(d0.plusDays(1), "12:00:00");
        disassociate(api);
        at(d0.plusDays(3), "00:00:00");
        bind(api, "next-owner");
        String newOwner = holder(api);
        at(d0.plusDays(6), "12:00:00");
        assertCode(disconnected(api, "\"" + d0.plusDays(2) + "\"", "?dryRun=1"), 552);
        ApiResponse kept = disconnected(api, "\"" + d0.plusDays(2) + "\"");
        assertCode(kept, 552);
        assertThat(kept.json().get("unprocessed").get(0).get("error").asText())
                .isEqualTo("Phone number was bound after it was disconnected; its holder keeps it. Skipped record"
                        + " number : 1");
        assertThat(holder(api)).isEqualTo(newOwner);
        assertThat(api.get("/1/profile.json?phone=" + P.replace("+", "%2B")).json().get("record")
                .get("objectId").asText()).as("the number still reads her profile").isEqualTo(newOwner);
        assertThat(disconnected(api, "\"" + d0.plusDays(3) + "\"").json().get("processed").asInt())
                .as("a day she had it by").isEqualTo(1);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aPersonWhoseProfileWasMergedAfterTheDay_stillHadTheNumber_andIsCut() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        bind(merging, "owner");
        at(d0.plusDays(3), "12:00:00");
        bind(merging, "same-person");
        JsonNode history = merging.get("/1/identity/history.json?phone=" + P).json().get("history");
        assertThat(history.get(0).get("startReason").asText()).as(history.toString()).isEqualTo("merged");
        at(d0.plusDays(5), "12:00:00");
        ApiResponse cut = disconnected(merging, "\"" + d0.plusDays(1) + "\"");
        assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
        assertThat(holder(merging)).isEqualTo("nobody");
    }

    @Test
    void aTransferAfterTheDay_isANewOwner_552_andANewOwnerMergedLater_stillKeepsIt() {
        TestServer.Client transfer = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        bind(transfer, "owner");
        at(d0.plusDays(3), "12:00:00");
        bind(transfer, "taker");
        at(d0.plusDays(5), "12:00:00");
        assertCode(disconnected(transfer, "\"" + d0.plusDays(1) + "\""), 552);

        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        bind(merging, "owner");
        at(d0.plusDays(6), "12:00:00");
        disassociate(merging);
        at(d0.plusDays(8), "12:00:00");
        bind(merging, "new-owner");
        at(d0.plusDays(9), "12:00:00");
        bind(merging, "new-owner-again");
        JsonNode history = merging.get("/1/identity/history.json?phone=" + P).json().get("history");
        assertThat(history.get(0).get("startReason").asText()).as(history.toString()).isEqualTo("merged");
        at(d0.plusDays(10), "12:00:00");
        assertCode(disconnected(merging, "\"" + d0.plusDays(7) + "\""), 552);
        assertThat(holder(merging)).isNotEqualTo("nobody");
    }

    @Test
    void aBatchOfDatedAndUndatedRecords_eachAsItsOwn_andTheSameNumberTwice() {
        TestServer.Client batchOf = server.newAccount();
        String other = "+14155550143";
        assertThat(batchOf.post("/1/upload", batch(profile("identity", "a", "{\"Phone\":\"" + P + "\"}"),
                profile("identity", "b", "{\"Phone\":\"" + other + "\"}"))).json().get("processed").asInt())
                .isEqualTo(2);
        at(d0.plusDays(3), "12:00:00");
        ApiResponse answer = batchOf.post("/1/disassociate", batch(
                "{\"type\":\"phone\",\"value\":\"" + P + "\",\"disconnectedOn\":\"" + d0.minusDays(1) + "\"}",
                "{\"type\":\"phone\",\"value\":\"" + other + "\"}",
                "{\"type\":\"phone\",\"value\":\"" + P + "\",\"disconnectedOn\":\"" + d0 + "\"}",
                "{\"type\":\"phone\",\"value\":\"" + P + "\",\"disconnectedOn\":\"" + d0 + "\"}"));
        assertThat(answer.json().get("processed").asInt()).as(answer.body()).isEqualTo(2);
        JsonNode unprocessed = answer.json().get("unprocessed");
        assertThat(unprocessed.get(0).get("code").asInt()).as("held since after the day before: 552").isEqualTo(552);
        assertThat(unprocessed.get(1).get("code").asInt()).as("cut by the record before it: 543").isEqualTo(543);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aBadOrFutureDay_is545_beforeTheAccountsSettings_andAfterABadNumber() {
        bind(api, "owner");
        for (String day : new String[] {"\"2026-02-30\"", "\"20260301\"", "20260301", "null",
            "\"" + d0.plusDays(1) + "\""}) {
            assertCode(disconnected(api, day), 545);
        }
        ApiResponse badNumber = api.post("/1/disassociate", batch("{\"type\":\"phone\",\"value\":\"12\","
                + "\"disconnectedOn\":\"x\"}"));
        assertCode(badNumber, 516);
        TestServer.Client noPhone = server.newAccount(true, false, ConflictPolicy.REJECT);
        assertCode(disconnected(noPhone, "\"x\""), 545);
        assertCode(disconnected(noPhone, "\"" + d0 + "\""), 542);
        assertThat(holder(api)).isNotEqualTo("nobody");
    }

    private static void assertConforms(String definition, String json) {
        JsonNode value;
        try {
            value = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Schema schema = SchemaRegistry.withDialect(Dialects.getDraft202012())
                .getSchema(SchemaLocation.of("https://camara.invalid/number-recycling.json"), CAMARA)
                .getSubSchema(SchemaLocation.Fragment.of("/$defs/" + definition));
        schema.initializeValidators();
        assertThat(schema.validate(value)).as(definition + " of CAMARA for " + json).isEmpty();
    }

    private static JsonNode camaraSchema() {
        try (InputStream in = NumberRecyclingContract.class.getResourceAsStream(
                "/camara/number-recycling-v0.2.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("src/test/resources/camara/number-recycling-v0.2.schema.json missing");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
