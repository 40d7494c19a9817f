package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.config.Limits;
import dev.tether.testing.MetricsText;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * API.md's per-account, per-API concurrency limits: over the limit is 429 JSON at once, and counts only against the
 * account and the API that are over it.
 */
abstract class LimitsContract {
    protected abstract Backend backend();

    private static String uploadOf(String prefix, int records) {
        StringBuilder body = new StringBuilder("{\"d\":[");
        for (int i = 0; i < records; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"").append(prefix).append(i)
                    .append("\",\"profileData\":{\"n\":").append(i).append("}}");
        }
        return body.append("]}").toString();
    }

    @Test
    void accountOverItsLimit_gets429_anotherAccountIsNotLimitedByIt() throws Exception {
        Limits limits = Limits.defaults().withConcurrency(2, 1);
        try (TestServer server = new TestServer(backend().newDatabaseUrl(), limits)) {
            TestServer.Client busy = server.newAccount();
            TestServer.Client quiet = server.newAccount();
            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<ApiResponse>> busyAnswers = new ArrayList<>();
                List<CompletableFuture<ApiResponse>> bulkAnswers = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    busyAnswers.add(onStart(start, pool, busy, "/1/upload", uploadOf("busy-" + i + "-", 1000)));
                }
                for (int i = 0; i < 4; i++) {
                    bulkAnswers.add(onStart(start, pool, busy, "/1/delete/profiles.json",
                            "{\"identity\":\"busy-0-1\"}"));
                }
                // disassociate has its own count: the burst of uploads never makes it answer 429
                List<CompletableFuture<ApiResponse>> disassociateAnswers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    disassociateAnswers.add(onStart(start, pool, busy, "/1/disassociate",
                            "{\"d\":[{\"type\":\"phone\",\"value\":\"+91921323141" + i + "\"}]}"));
                }
                List<CompletableFuture<ApiResponse>> quietAnswers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    quietAnswers.add(onStart(start, pool, quiet, "/1/upload", uploadOf("quiet-" + i + "-", 10)));
                }
                start.countDown();
                List<ApiResponse> answers = new ArrayList<>();
                for (CompletableFuture<ApiResponse> answer : busyAnswers) {
                    answers.add(answer.get());
                }
                List<ApiResponse> limited = answers.stream().filter(r -> r.status() == 429).toList();
                assertThat(limited).isNotEmpty();
                assertThat(limited).allSatisfy(r -> assertThat(r.body())
                        .isEqualTo("{\"status\":\"fail\",\"error\":\"Too many concurrent requests\",\"code\":429}"));
                assertThat(limited).allSatisfy(r -> assertThat(r.header("Retry-After")).contains("1"));
                assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
                String metrics = TestServer.send(server.request("/metrics").GET()).body();
                assertThat(MetricsText.value(metrics, "tether_requests_throttled_total", Map.of("uri", "/1/upload")))
                        .as("429s counted on /metrics").isEqualTo(limited.size());
                for (CompletableFuture<ApiResponse> answer : bulkAnswers) {
                    assertThat(answer.get().status()).isIn(200, 429);
                }
                for (CompletableFuture<ApiResponse> answer : disassociateAnswers) {
                    assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(200);
                }
                for (CompletableFuture<ApiResponse> answer : quietAnswers) {
                    assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(200);
                }
                // a 429 wrote nothing: exactly the admitted batches are stored
                long admitted = answers.stream().filter(r -> r.status() == 200).count();
                assertThat(server.violations()).isEmpty();
                for (int i = 0; i < 16; i++) {
                    boolean wasAdmitted = answers.get(i).status() == 200;
                    assertThat(busy.get("/1/profile.json?identity=busy-" + i + "-999").status())
                            .isEqualTo(wasAdmitted ? 200 : 404);
                }
                assertThat(admitted).isGreaterThanOrEqualTo(2);
            } finally {
                pool.shutdownNow();
            }
            // slots are given back: once the burst is over, the account is admitted again
            assertThat(busy.post("/1/upload", uploadOf("after-", 1)).status()).isEqualTo(200);
        }
    }

    /** A POST sent by the pool once {@code start} opens, so that all of them are in flight together. */
    private static CompletableFuture<ApiResponse> onStart(CountDownLatch start, ExecutorService pool,
                                                          TestServer.Client client, String path, String body) {
        return CompletableFuture.supplyAsync(() -> {
            await(start);
            return client.postOnItsOwnConnection(path, body);
        }, pool);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
