package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.config.Limits;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.RunSize;
import dev.tether.testing.TestServer;
import dev.tether.testing.Violations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage outage: PostgreSQL is stopped under load (a server of its own, so the rest of the suite is not touched),
 * then started again. While it is down, every request answers 503 JSON, at once rather than after a wait; when it is
 * back, the same server process serves again by itself; a batch answered 503 left nothing, one answered 200 is there.
 */
class StorageOutageTest {
    private static final int CLIENTS = 8;

    @TempDir
    Path dir;

    private record Answer(List<String> identities, int status, long millis, boolean duringOutage, String body) {
    }

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    @Test
    void postgresStoppedUnderLoad_answers503AtOnce_recoversByItself_writesNothingHalf() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres postgres = startPostgres(port);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        try (TestServer server = new TestServer(url, Limits.defaults())) {
            TestServer.Client api = server.newAccount();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean down = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    for (int batch = 0; !stop.get(); batch++) {
                        List<String> identities = new ArrayList<>();
                        StringBuilder body = new StringBuilder("{\"d\":[");
                        for (int i = 0; i < 10; i++) {
                            String identity = "c" + client + "-b" + batch + "-r" + i;
                            identities.add(identity);
                            body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"")
                                    .append(identity).append("\",\"profileData\":{\"n\":").append(i).append("}}");
                        }
                        boolean outage = down.get();
                        long started = System.nanoTime();
                        ApiResponse response = api.post("/1/upload", body.append("]}").toString());
                        answers.add(new Answer(identities, response.status(),
                                (System.nanoTime() - started) / 1_000_000, outage && down.get(), response.body()));
                    }
                });
                thread.start();
                clients.add(thread);
            }
            Thread.sleep(1500);
            long stopping = System.nanoTime();
            down.set(true);
            postgres.close();
            System.out.printf("PostgreSQL stopped in %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
            Thread.sleep(RunSize.pick(4_000, 20_000));
            ApiResponse healthDown = TestServer.send(server.request("/health").GET());
            postgres = startPostgres(port);
            down.set(false);
            long back = System.nanoTime();
            ApiResponse after = api.get("/1/profile.json?identity=nobody");
            while (after.status() == 503 && System.nanoTime() - back < 30_000_000_000L) {
                Thread.sleep(100);
                after = api.get("/1/profile.json?identity=nobody");
            }
            long recoveredMillis = (System.nanoTime() - back) / 1_000_000;
            Thread.sleep(1500);
            stop.set(true);
            for (Thread thread : clients) {
                thread.join(60_000);
            }

            assertThat(healthDown.status()).isEqualTo(503);
            assertThat(after.status()).as("served again without a restart").isEqualTo(404);
            assertThat(TestServer.send(server.request("/health").GET()).status()).isEqualTo(200);
            assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(200, 503));
            List<Answer> refused = answers.stream().filter(a -> a.duringOutage() && a.status() == 503).toList();
            assertThat(refused).isNotEmpty();
            assertThat(refused).allSatisfy(a -> assertThat(a.body()).startsWith("{\"status\":\"fail\"")
                    .contains("\"code\":503"));
            // nobody waits long: the pool's timeout once, then the gate answers at once
            assertThat(refused).allSatisfy(a -> assertThat(a.millis()).isLessThan(5_000));
            long fast = refused.stream().filter(a -> a.millis() < 1_000).count();
            assertThat(fast).as("503s answered within a second, of %d", refused.size())
                    .isGreaterThanOrEqualTo(refused.size() * 8L / 10);
            var keys = answers.stream().flatMap(a -> a.identities().stream())
                    .map(i -> new IdentityKey(IdentityKind.IDENTITY, i)).toList();
            var stored = server.store().read(tx -> tx.bindings().active(api.accountId(), keys));
            for (Answer answer : answers) {
                long found = answer.identities().stream()
                        .filter(i -> stored.containsKey(new IdentityKey(IdentityKind.IDENTITY, i))).count();
                if (answer.body().contains("the write may have been applied whole")) {
                    // the connection broke during the commit (PostgreSQL ended it as it stopped): whole or nothing
                    assertThat(found).as("batch whose commit broke").isIn(0L, (long) answer.identities().size());
                } else {
                    assertThat(found).as("batch answered %d", answer.status())
                            .isEqualTo(answer.status() == 200 ? answer.identities().size() : 0);
                }
            }
            assertThat(Violations.of(server.store())).isEmpty();
            System.out.printf("storage outage: %d requests, %d answered 503 while PostgreSQL was down (%d within 1 s,"
                            + " slowest %d ms), served again %d ms after it was back%n", answers.size(), refused.size(),
                    fast, refused.stream().mapToLong(Answer::millis).max().orElse(0), recoveredMillis);
        } finally {
            postgres.close();
        }
    }
}
