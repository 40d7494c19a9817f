package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.store.StoredReply;
import dev.tether.testing.AccountData;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.DroppingProxy;
import dev.tether.testing.IdempotencyAnswers;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import dev.tether.audit.Attribution;
import dev.tether.audit.Counted;
import dev.tether.work.IdempotencyKey;
import dev.tether.work.Reply;
import dev.tether.work.Transactions;
import dev.tether.work.UnitOfWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** docs/API.md section 1, "Idempotency-Key": {@code Idempotency-Key} on every write, stored with the write it answers. */
abstract class IdempotencyContract extends ServerContract {
    private static final String KEY = "Idempotency-Key";
    private static final String P = "+14155550155";

    private static String eventOf(String identity, int n) {
        return "{\"type\":\"event\",\"identity\":\"" + identity + "\",\"evtName\":\"Paid\",\"evtData\":{\"n\":" + n
                + "}}";
    }

    private int paidEvents(TestServer.Client client, String identity) {
        ApiResponse read = client.get("/1/profile.json?identity=" + identity);
        return read.status() == 404 ? 0 : read.json().get("record").get("events").path("Paid").path("count").asInt();
    }

    @Test
    void aRetryWithTheKey_getsTheFirstAnswerAgain_markedReplayed_andWritesNothing() {
        String upload = batch(eventOf("payer", 1), profile("identity", "payer", "{\"Phone\":\"" + P + "\"}"));
        ApiResponse first = api.post("/1/upload", upload, KEY, "pay-1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        List<String> after = DataSnapshot.of(server.databaseUrl());

        ApiResponse again = api.post("/1/upload/", upload, KEY, "pay-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Idempotent-Replayed")).contains("true");
        assertThat(DataSnapshot.of(server.databaseUrl())).isEqualTo(after);
        assertThat(paidEvents(api, "payer")).isEqualTo(1);
    }

    @Test
    void everyWriteEndpoint_answersARetryAsItAnsweredFirst() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        merging.post("/1/upload", batch(profile("identity", "a", "{\"Email\":\"m@x.co\",\"Phone\":\"" + P + "\"}")));
        merging.post("/1/upload", batch(profile("identity", "b", "{\"Email\":\"m@x.co\"}")));
        merging.post("/1/upload", batch(profile("identity", "c", "{}")));
        ApiResponse subscribed = merging.post("/1/subscribe",
                batch("{\"type\":\"email\",\"value\":\"m@x.co\",\"status\":\"Unsubscribe\"}"), KEY, "sub");
        assertThat(merging.post("/1/subscribe",
                batch("{\"type\":\"email\",\"value\":\"m@x.co\",\"status\":\"Unsubscribe\"}"), KEY, "sub")
                .header("Idempotent-Replayed")).contains("true");
        assertThat(subscribed.json().get("processed").asInt()).isEqualTo(1);
        List<String[]> writes = List.of(
                new String[] {"/1/disassociate", batch(phoneRecord(P))},
                new String[] {"/1/demerge/profiles.json", "{\"identities\":[\"b\"]}"},
                new String[] {"/1/delete/profiles.json", "{\"identity\":\"c\"}"});
        for (String[] write : writes) {
            ApiResponse first = merging.post(write[0], write[1], KEY, "k" + write[0]);
            ApiResponse again = merging.post(write[0], write[1], KEY, "k" + write[0]);
            ApiResponse without = merging.post(write[0], write[1]);
            assertThat(first.status()).as(write[0]).isEqualTo(200);
            assertThat(again.body()).as(write[0]).isEqualTo(first.body());
            assertThat(again.header("Idempotent-Replayed")).as(write[0]).contains("true");
            // run again without the key, the write answers otherwise: the key is what kept it from running again
            assertThat(without.body()).as(write[0]).isNotEqualTo(first.body());
        }
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void theKeyWithAnotherRequest_is409_andChangesNothing() {
        api.post("/1/upload", batch(eventOf("payer", 1)), KEY, "once");
        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        assertError(api.post("/1/upload", batch(eventOf("payer", 2)), KEY, "once"), 409,
                "Idempotency-Key was used with a different request");
        assertError(api.post("/1/disassociate", batch(phoneRecord(P)), KEY, "once"), 409, null);
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl())).isEqualTo(before);
    }

    @Test
    void aRequestThatFailedAsAWhole_orADryRun_storesNothing_soTheRetryRuns() {
        assertError(api.post("/1/upload", "{\"d\":[", KEY, "retry-me"), 400, null);
        ApiResponse dry = api.post("/1/upload?dryRun=1", batch(eventOf("payer", 1)), KEY, "retry-me");
        assertThat(dry.status()).isEqualTo(200);
        assertThat(paidEvents(api, "payer")).isZero();
        ApiResponse real = api.post("/1/upload", batch(eventOf("payer", 1)), KEY, "retry-me");
        assertThat(real.header("Idempotent-Replayed")).isEmpty();
        assertThat(paidEvents(api, "payer")).isEqualTo(1);
    }

    @Test
    void keysBelongToTheirAccount_andAMalformedKeyIs400() {
        TestServer.Client other = server.newAccount();
        api.post("/1/upload", batch(eventOf("payer", 1)), KEY, "shared");
        ApiResponse theirs = other.post("/1/upload", batch(eventOf("payer", 1)), KEY, "shared");
        assertThat(theirs.header("Idempotent-Replayed")).isEmpty();
        assertThat(paidEvents(other, "payer")).isEqualTo(1);
        // (a non-ASCII key cannot be tested from this client: it sends "?" for a character outside ASCII)
        for (String bad : List.of("x".repeat(256), "tab\there")) {
            ApiResponse refused = api.post("/1/upload", batch(eventOf("payer", 9)), KEY, bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertError(refused, 400, "Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        assertThat(paidEvents(api, "payer")).isEqualTo(1);
    }

    @Test
    void aClientThatLosesEveryAnswer_andRetriesEachWriteThreeTimes_endsWithTheDataOfOneTry() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        List<String[]> writes = List.of(
                new String[] {"/1/upload", batch(profile("identity", "a", "{\"Email\":\"m@x.co\",\"Phone\":\"" + P
                        + "\"}"), eventOf("a", 1))},
                new String[] {"/1/upload", batch(profile("identity", "b", "{\"Email\":\"m@x.co\"}"), eventOf("b", 2))},
                new String[] {"/1/subscribe", batch("{\"type\":\"phone\",\"value\":\"" + P
                        + "\",\"status\":\"Unsubscribe\"}")},
                new String[] {"/1/disassociate", batch(phoneRecord(P))},
                new String[] {"/1/upload", batch(profile("identity", P, "{\"Name\":\"New owner\"}"), eventOf(P, 3))},
                new String[] {"/1/demerge/profiles.json", "{\"identities\":[\"b\"]}"},
                new String[] {"/1/delete/profiles.json", "{\"identity\":\"" + P + "\"}"});
        try (DroppingProxy proxy = new DroppingProxy(server.baseUrl())) {
            for (int w = 0; w < writes.size(); w++) {
                for (int attempt = 0; attempt < 3; attempt++) {
                    HttpRequest.Builder request = merging.postTo(proxy.baseUrl(), writes.get(w)[0], writes.get(w)[1],
                            KEY, "write-" + w);
                    assertThatThrownBy(() -> TestServer.send(request)).isInstanceOf(UncheckedIOException.class)
                            .hasCauseInstanceOf(IOException.class);
                }
            }
            assertThat(proxy.answered()).isEqualTo(3 * writes.size());
        }
        // the data of one try of each write: what an account that got each write once holds
        TestServer.Client once = server.newAccount(true, true, ConflictPolicy.MERGE);
        for (String[] write : writes) {
            assertThat(once.post(write[0], write[1]).status()).isEqualTo(200);
        }
        List<String> data = AccountData.of(server.databaseUrl(), merging.accountId());
        assertThat(data).isEqualTo(AccountData.of(server.databaseUrl(), once.accountId()));
        // three events were sent (the new owner's went with its profile's delete), each once and not three times
        assertThat(data).filteredOn(row -> row.startsWith("event ")).hasSize(2);
        ApiResponse history = merging.get("/1/identity/history.json?phone=" + P);
        assertThat(history.json().get("history")).extracting(e -> e.get("reason").asText())
                .containsExactly("deleted", "disassociated", "merged");
        // and each key answers what its one try answered
        for (int w = 0; w < writes.size(); w++) {
            ApiResponse replay = merging.post(writes.get(w)[0], writes.get(w)[1], KEY, "write-" + w);
            assertThat(replay.header("Idempotent-Replayed")).contains("true");
            assertThat(replay.json().get("status").asText()).as(replay.body()).isEqualTo("success");
            assertThat(replay.json().path("processed").asInt()).as(replay.body()).isPositive();
        }
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void duplicatesAtTheSameTime_onTwoServers_applyOnce_theOtherGetsItsAnswerOr409InFlight() throws Exception {
        int keys = 12;
        try (TestServer second = new TestServer(server.databaseUrl(), Limits.defaults())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    CountDownLatch together = new CountDownLatch(1);
                    String body = batch(eventOf("racer", k), profile("identity", "racer", "{\"Last\":" + k + "}"));
                    for (String base : List.of(server.baseUrl(), second.baseUrl())) {
                        HttpRequest.Builder request = api.postTo(base, "/1/upload", body, KEY, "race-" + k);
                        answers.add(CompletableFuture.supplyAsync(() -> {
                            await(together);
                            return TestServer.send(request);
                        }, pool));
                    }
                    together.countDown();
                }
                for (int k = 0; k < keys; k++) {
                    IdempotencyAnswers.assertAppliedOnce(List.of(answers.get(2 * k).get(), answers.get(2 * k + 1).get()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(paidEvents(api, "racer")).isEqualTo(keys);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aKeyOver24Hours_isForgotten_itsRetryRunsAgain_andThePurgeDeletesIt() {
        // a month ahead of the real clock: the server's own purge (on the real clock) never takes this key early
        SteppedClock clock = new SteppedClock(Instant.now().plus(Duration.ofDays(30)));
        Transactions transactions = new Transactions(server.store(), clock);
        Optional<IdempotencyKey> key = Optional.of(new IdempotencyKey("day-old", "hash-of-the-request"));
        int[] runs = {0};
        Function<UnitOfWork, Integer> work = unit -> ++runs[0];
        Reply first = transactions.answer(api.account(), false, key, Attribution.cli("test"), work,
                n -> new Counted(n, 0), n -> "{\"run\":" + n + "}");
        clock.advance(Duration.ofHours(23));
        Reply replayed = transactions.answer(api.account(), false, key, Attribution.cli("test"), work,
                n -> new Counted(n, 0), n -> "{\"run\":" + n + "}");
        assertThat(replayed).isEqualTo(new Reply(200, first.body(), true));
        transactions.purgeExpiredKeys();
        assertThat(storedKey("day-old")).isPresent();

        clock.advance(Duration.ofHours(2));
        Reply afterADay = transactions.answer(api.account(), false, key, Attribution.cli("test"), work,
                n -> new Counted(n, 0), n -> "{\"run\":" + n + "}");
        assertThat(afterADay).isEqualTo(new Reply(200, "{\"run\":2}", false));
        clock.advance(Duration.ofHours(25));
        assertThat(transactions.purgeExpiredKeys()).isPositive();
        assertThat(storedKey("day-old")).isEmpty();
    }

    private Optional<StoredReply> storedKey(String key) {
        return server.store().read(tx -> tx.idempotency().find(api.accountId(), key));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
