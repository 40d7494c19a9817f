package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.IdempotencyAnswers;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code tether serve} processes on one PostgreSQL get the same writes under the same Idempotency-Keys at the
 * same moment: each write is applied once, and all three answer what it answered.
 */
class IdempotencyProcessRaceTest {
    @TempDir
    Path dir;

    @Test
    void threeServerProcesses_racingTheSameKeys_applyEachOnce() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        AccountService.Created account;
        try (Store store = Stores.open(url, 2)) {
            account = new AccountService(store, Clock.systemUTC()).create(new AccountService.NewAccount("race",
                    "local", true, true, ConflictPolicy.REJECT));
        }
        int keys = 15;
        try (TetherProcess one = TetherProcess.start(dir, "serve", "--port", "0", "--db", url);
             TetherProcess two = TetherProcess.start(dir, "serve", "--port", "0", "--db", url);
             TetherProcess three = TetherProcess.start(dir, "serve", "--port", "0", "--db", url)) {
            List<Integer> ports = List.of(one.awaitReady(), two.awaitReady(), three.awaitReady());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<List<CompletableFuture<ApiResponse>>> answers = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    CountDownLatch together = new CountDownLatch(1);
                    String body = "{\"d\":[{\"type\":\"event\",\"identity\":\"payer\",\"evtName\":\"Paid\","
                            + "\"evtData\":{\"n\":" + k + "}}]}";
                    List<CompletableFuture<ApiResponse>> sameKey = new ArrayList<>();
                    for (int port : ports) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                        + "/1/upload")).timeout(Duration.ofSeconds(60))
                                .header("X-CleverTap-Account-Id", account.account().id())
                                .header("X-CleverTap-Passcode", account.passcode())
                                .header("Content-Type", "application/json").header("Idempotency-Key", "pay-" + k)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        sameKey.add(CompletableFuture.supplyAsync(() -> {
                            await(together);
                            return TestServer.send(HttpRequest.newBuilder(request, (n, v) -> true));
                        }, pool));
                    }
                    together.countDown();
                    answers.add(sameKey);
                }
                for (List<CompletableFuture<ApiResponse>> sameKey : answers) {
                    List<ApiResponse> three3 = new ArrayList<>();
                    for (CompletableFuture<ApiResponse> answer : sameKey) {
                        three3.add(answer.get());
                    }
                    IdempotencyAnswers.assertAppliedOnce(three3);
                }
            } finally {
                pool.shutdownNow();
            }
            ApiResponse read = TestServer.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(0)
                            + "/1/profile.json?identity=payer"))
                    .header("X-CleverTap-Account-Id", account.account().id())
                    .header("X-CleverTap-Passcode", account.passcode()).GET());
            assertThat(read.json().get("record").get("events").get("Paid").get("count").asInt()).isEqualTo(keys);
            one.terminate();
            two.terminate();
            three.terminate();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
