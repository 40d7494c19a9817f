package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.account.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.identity.IdentityKey;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Two servers, each with its own connection pool, on one database: two requests race to bind the same new
 * phone number to two different profiles. Exactly one wins; the other gets 544; never two active bindings.
 */
abstract class RaceContract {
    private static final int ROUNDS = 15;

    protected abstract Backend backend();

    @Test
    void racingBindsOfOneNewNumber_exactlyOneWins_theOtherGets544() throws Exception {
        String url = backend().newDatabaseUrl();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TestServer first = new TestServer(url, Limits.defaults());
             TestServer second = new TestServer(url, Limits.defaults())) {
            var created = first.accounts().create(new AccountService.NewAccount("race", "local", true, true,
                    ConflictPolicy.REJECT));
            String id = created.account().id();
            String passcode = created.passcode();
            for (int round = 0; round < ROUNDS; round++) {
                String phone = "+1555" + String.format("%07d", 4000 + round);
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
                int r = round;
                for (TestServer server : List.of(first, second)) {
                    String body = "{\"d\":[{\"type\":\"profile\",\"identity\":\"user-" + r + "-" + server.port()
                            + "\",\"profileData\":{\"Phone\":\"" + phone + "\"}}]}";
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        await(start);
                        return TestServer.send(server.request("/1/upload")
                                .header("X-CleverTap-Account-Id", id).header("X-CleverTap-Passcode", passcode)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)));
                    }, pool));
                }
                start.countDown();
                List<String> statuses = new ArrayList<>();
                List<Integer> codes = new ArrayList<>();
                for (CompletableFuture<ApiResponse> answer : answers) {
                    ApiResponse response = answer.get();
                    assertThat(response.status()).as(response.body()).isEqualTo(200);
                    statuses.add(response.json().get("status").asText());
                    response.json().get("unprocessed").forEach(f -> codes.add(f.get("code").asInt()));
                }
                assertThat(statuses).containsExactlyInAnyOrder("success", "fail");
                assertThat(codes).containsExactly(544);
                var history = first.store().read(tx -> tx.history(id, IdentityKey.phone(phone)));
                assertThat(history).hasSize(1);
                assertThat(history.get(0).to()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
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
