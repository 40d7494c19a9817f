package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.account.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.identity.IdentityKey;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL (this JVM's server and a real {@code tether serve} process) race to
 * bind the same new phone number to two different profiles: exactly one wins, the other gets 544.
 */
class TwoProcessRaceTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesOnOnePostgres_racingBinds_exactlyOneWins() throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        try (TestServer inProcess = new TestServer(url, Limits.defaults());
             TetherProcess other = TetherProcess.start(dir, "serve", "--port", "0", "--db", url)) {
            int otherPort = other.awaitReady();
            var created = inProcess.accounts().create(new AccountService.NewAccount("race", "local", true, true,
                    ConflictPolicy.REJECT));
            List<String> bases = List.of(inProcess.baseUrl(), "http://127.0.0.1:" + otherPort);
            for (int round = 0; round < 10; round++) {
                String phone = "+1555" + String.format("%07d", 7000 + round);
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    String body = "{\"d\":[{\"type\":\"profile\",\"identity\":\"p" + s + "-" + round
                            + "\",\"profileData\":{\"Phone\":\"" + phone + "\"}}]}";
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bases.get(s) + "/1/upload"))
                            .header("X-CleverTap-Account-Id", created.account().id())
                            .header("X-CleverTap-Passcode", created.passcode())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body));
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return TestServer.send(request);
                    }));
                }
                start.countDown();
                List<String> statuses = new ArrayList<>();
                for (CompletableFuture<ApiResponse> answer : answers) {
                    ApiResponse response = answer.get();
                    statuses.add(response.json().get("status").asText()
                            + response.json().get("unprocessed").findValuesAsText("code"));
                }
                assertThat(statuses).containsExactlyInAnyOrder("success[]", "fail[544]");
                var history = inProcess.store().read(tx -> tx.history(created.account().id(),
                        IdentityKey.phone(phone)));
                assertThat(history).hasSize(1);
            }
            other.terminate();
        }
    }
}
