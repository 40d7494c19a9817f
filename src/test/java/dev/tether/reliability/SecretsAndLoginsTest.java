package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.RunSize;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and failed logins, on a real server process whose whole output is read: passcodes, right or wrong, never
 * appear in its log or in an error body; 3,000 failed logins (10,000 in full runs) neither lock the account out nor
 * hold up another account's requests.
 */
class SecretsAndLoginsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FAILED_LOGINS = RunSize.pick(3_000, 10_000);

    @TempDir
    Path dir;

    private record Account(String id, String passcode) {
    }

    private Account create(String name, String url) throws Exception {
        try (TetherProcess create = TetherProcess.start(dir, "account", "create", "--name", name, "--json",
                "--db", url)) {
            assertThat(create.awaitExit()).isZero();
            JsonNode created = JSON.readTree(create.lines().get(0));
            return new Account(created.get("accountId").asText(), created.get("passcode").asText());
        }
    }

    private static ApiResponse call(String base, String pathAndQuery, String accountId, String passcode, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).header("X-CleverTap-Account-Id", accountId)
                .header("X-CleverTap-Passcode", passcode).header("Content-Type", "application/json");
        return TestServer.send(body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void passcodesNeverLogged_failedLoginsDoNotLockOutOrSlowOthers(Backend backend) throws Exception {
        String url = backend.newDatabaseUrl();
        Account victim = create("victim", url);
        Account bystander = create("bystander", url);
        List<String> secrets = Collections.synchronizedList(new ArrayList<>(List.of(victim.passcode(),
                bystander.passcode())));
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        try (TetherProcess server = TetherProcess.startLogging(dir, "serve", "--port", "0", "--db", url)) {
            String base = "http://127.0.0.1:" + server.awaitReady();
            assertThat(call(base, "/1/upload", victim.id(), victim.passcode(),
                    "{\"d\":[{\"type\":\"profile\",\"identity\":\"v\",\"profileData\":{}}]}").status()).isEqualTo(200);
            assertThat(call(base, "/1/upload", bystander.id(), bystander.passcode(),
                    "{\"d\":[{\"type\":\"profile\",\"identity\":\"b\",\"profileData\":{}}]}").status()).isEqualTo(200);
            // secrets sent in the wrong places too: as an account id, in a query, in a failing record
            bodies.add(call(base, "/1/profile.json?identity=v&passcode=" + victim.passcode(), victim.passcode(),
                    victim.passcode(), null).body());
            bodies.add(call(base, "/1/upload", victim.id(), victim.passcode(),
                    "{\"d\":[{\"type\":\"profile\",\"identity\":\"v\",\"profileData\":{\"Phone\":\"x\"}}]}").body());
            bodies.add(call(base, "/1/nowhere", victim.id(), victim.passcode(), "{}").body());

            List<Long> before = timeReads(base, bystander, 200);
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicInteger refused = new AtomicInteger();
            List<Thread> attackers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Thread attacker = new Thread(() -> {
                    for (int i = thread; i < FAILED_LOGINS; i += 8) {
                        String guess = "WRONG-" + thread + "-" + i;
                        if (i % 100 == 0) {
                            secrets.add(guess);
                        }
                        String account = i % 2 == 0 ? victim.id() : "ZZZ-ZZZ-" + String.format("%04d", i % 10_000);
                        ApiResponse response = call(base, "/1/profile.json?identity=v", account, guess, null);
                        if (response.status() == 401) {
                            refused.incrementAndGet();
                        }
                        if (i % 500 == 0) {
                            bodies.add(response.body());
                        }
                    }
                });
                attacker.start();
                attackers.add(attacker);
            }
            List<Long> during = timeReads(base, bystander, 200);
            for (Thread attacker : attackers) {
                attacker.join();
            }
            attacking.set(false);
            assertThat(refused.get()).isEqualTo(FAILED_LOGINS);
            // no lockout: the attacked account's own passcode works at once
            assertThat(call(base, "/1/profile.json?identity=v", victim.id(), victim.passcode(), null).status())
                    .isEqualTo(200);
            long p50Before = percentile(before, 50);
            long p50During = percentile(during, 50);
            System.out.printf("failed logins on %s: %d refused; another account's reads p50 %.1f ms before, %.1f ms during"
                    + " the attack (p95 %.1f ms, %.1f ms)%n", backend, refused.get(), p50Before / 1e6, p50During / 1e6,
                    percentile(before, 95) / 1e6, percentile(during, 95) / 1e6);
            // a failed login costs what a read costs: a hash and one statement, no per-account lock or slow hash
            assertThat(p50During).isLessThan(20 * p50Before + 100_000_000L);
            server.terminate();
            String log = String.join("\n", server.lines());
            assertThat(log).contains("status=401").contains("status=200").contains(victim.id());
            for (String secret : List.copyOf(secrets)) {
                assertThat(log).as("the server's output").doesNotContain(secret);
                for (String body : List.copyOf(bodies)) {
                    assertThat(body).doesNotContain(secret);
                }
            }
        }
    }

    /** Reads of the bystander's profile, one after another: every one must succeed; their latencies in ns. */
    private static List<Long> timeReads(String base, Account account, int count) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            ApiResponse read = call(base, "/1/profile.json?identity=b", account.id(), account.passcode(), null);
            nanos.add(System.nanoTime() - start);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
        }
        return nanos;
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
