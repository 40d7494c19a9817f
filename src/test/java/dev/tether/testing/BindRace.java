package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.identity.IdentityKey;
import dev.tether.store.Store;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Two requests, through two servers on one database, race to bind the same new phone number to two different
 * profiles, round after round. Each round: exactly one wins, the other gets 544, and the number has exactly
 * one binding, still active.
 */
public final class BindRace {
    private BindRace() {
    }

    public static void run(String firstBaseUrl, String secondBaseUrl, String accountId, String passcode,
                           Store store, int rounds, int firstNumber) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                String phone = "+1555" + String.format("%07d", firstNumber + round);
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
                for (String base : List.of(firstBaseUrl, secondBaseUrl)) {
                    String body = "{\"d\":[{\"type\":\"profile\",\"identity\":\"user-" + round + "-" + base.hashCode()
                            + "\",\"profileData\":{\"Phone\":\"" + phone + "\"}}]}";
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/1/upload"))
                            .header("X-CleverTap-Account-Id", accountId).header("X-CleverTap-Passcode", passcode)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body));
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(start);
                        return TestServer.send(request);
                    }, pool));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (CompletableFuture<ApiResponse> answer : answers) {
                    ApiResponse response = answer.get();
                    assertThat(response.status()).as(response.body()).isEqualTo(200);
                    outcomes.add(response.json().get("status").asText()
                            + response.json().get("unprocessed").findValuesAsText("code"));
                }
                assertThat(outcomes).containsExactlyInAnyOrder("success[]", "fail[544]");
                var history = store.read(tx -> tx.bindings().history(accountId, IdentityKey.phone(phone)));
                assertThat(history).hasSize(1);
                assertThat(history.get(0).to()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
