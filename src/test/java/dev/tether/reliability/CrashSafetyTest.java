package dev.tether.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.ActiveBinding;
import dev.tether.store.AuditEntry;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.RunSize;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.Violations;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety: a real server process takes uploads and disassociations from four clients and is killed with
 * SIGKILL at a random moment, again and again (3 times per backend in the short run, 20 in the full one). After
 * each kill: every batch whose answer said processed is there whole, with its one audit entry; every batch in flight
 * at the kill is there whole with its entry, or neither is; the invariants hold (the audit trail's among them).
 */
class CrashSafetyTest {
    private static final int CLIENTS = 4;
    private static final int UPLOAD_BATCH = 50;
    private static final int DISASSOCIATE_BATCH = 20;

    @TempDir
    Path dir;

    /** A batch that was sent: its answer came (acknowledged) or the connection died first (in doubt). */
    private record Sent(String requestId, boolean upload, List<String> identities, List<String> phones,
                        boolean acknowledged) {
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void killedAtRandomMoments_losesNoAcknowledgedWrite_andAppliesNoBatchByHalves(Backend backend) throws Exception {
        String url = backend.newDatabaseUrl();
        String accountId;
        String passcode;
        try (Store store = Stores.open(url, 2)) {
            var created = new AccountService(store, java.time.Clock.systemUTC()).create(
                    new AccountService.NewAccount("crash", "local", true, true, ConflictPolicy.REJECT));
            accountId = created.account().id();
            passcode = created.passcode();
        }
        AtomicInteger numbers = new AtomicInteger();
        ConcurrentLinkedQueue<String> disassociable = new ConcurrentLinkedQueue<>();
        List<Sent> history = Collections.synchronizedList(new ArrayList<>());
        int kills = RunSize.pick(3, 20);
        for (int kill = 0; kill < kills; kill++) {
            try (TetherProcess server = TetherProcess.start(dir, "serve", "--port", "0", "--db", url)) {
                String base = "http://127.0.0.1:" + server.awaitReady();
                AtomicBoolean dead = new AtomicBoolean();
                CountDownLatch answered = new CountDownLatch(CLIENTS);
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    String prefix = "k" + kill + "-c" + c + "-";
                    Thread client = new Thread(() -> drive(base, accountId, passcode, prefix, numbers, disassociable,
                            history, dead, answered));
                    client.start();
                    clients.add(client);
                }
                // a random moment once every client had a batch answered in this round, however fast the machine is
                assertThat(answered.await(60, TimeUnit.SECONDS)).as("every client had a batch answered").isTrue();
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 1300));
                server.kill();
                dead.set(true);
                for (Thread client : clients) {
                    client.join(60_000);
                }
            }
            verify(url, accountId, history);
        }
        long inDoubt = history.stream().filter(s -> !s.acknowledged()).count();
        System.out.printf("crash safety on %s: %d kills, %d batches acknowledged (%d disassociations), %d in flight"
                        + " at a kill; every one whole or absent, 0 invariant violations%n", backend, kills,
                history.size() - inDoubt, history.stream().filter(s -> !s.upload() && s.acknowledged()).count(),
                inDoubt);
        assertThat(history.stream().filter(Sent::acknowledged).count()).isGreaterThan(kills);
        assertThat(history.stream().filter(s -> !s.upload() && s.acknowledged()).count()).isPositive();
        assertThat(inDoubt).as("kills that caught requests in flight").isGreaterThanOrEqualTo(kills);
    }

    private static void drive(String base, String accountId, String passcode, String prefix, AtomicInteger numbers,
                              ConcurrentLinkedQueue<String> disassociable, List<Sent> history, AtomicBoolean dead,
                              CountDownLatch answered) {
        boolean counted = false;
        for (int batch = 0; !dead.get(); batch++) {
            boolean upload = disassociable.size() < DISASSOCIATE_BATCH || ThreadLocalRandom.current().nextInt(3) > 0;
            List<String> identities = new ArrayList<>();
            List<String> phones = new ArrayList<>();
            StringBuilder body = new StringBuilder("{\"d\":[");
            if (upload) {
                for (int i = 0; i < UPLOAD_BATCH; i++) {
                    String identity = prefix + "b" + batch + "-r" + i;
                    String phone = "+1555" + String.format("%07d", numbers.incrementAndGet());
                    identities.add(identity);
                    phones.add(phone);
                    body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"").append(identity)
                            .append("\",\"profileData\":{\"Phone\":\"").append(phone).append("\"}}");
                }
            } else {
                for (int i = 0; i < DISASSOCIATE_BATCH; i++) {
                    String phone = disassociable.poll();
                    if (phone == null) {
                        break;
                    }
                    phones.add(phone);
                    body.append(i == 0 ? "" : ",").append("{\"type\":\"phone\",\"value\":\"").append(phone).append("\"}");
                }
            }
            body.append("]}");
            String requestId = prefix + "b" + batch;
            ApiResponse response;
            try {
                response = TestServer.send(HttpRequest.newBuilder(URI.create(base + (upload ? "/1/upload"
                                : "/1/disassociate")))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .header("X-CleverTap-Account-Id", accountId).header("X-CleverTap-Passcode", passcode)
                        .header("X-Request-Id", requestId).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
            } catch (UncheckedIOException connectionDied) {
                history.add(new Sent(requestId, upload, identities, phones, false));
                return;
            }
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("status").asText()).as(response.body()).isEqualTo("success");
            history.add(new Sent(requestId, upload, identities, phones, true));
            if (!counted) {
                answered.countDown();
                counted = true;
            }
            if (upload) {
                disassociable.addAll(phones);
            }
        }
    }

    /** With the server dead: each batch is all there or all absent, acknowledged ones all there; invariants hold. */
    private static void verify(String url, String accountId, List<Sent> history) {
        try (Store store = Stores.open(url, 2)) {
            for (Sent sent : List.copyOf(history)) {
                List<IdentityKey> keys = sent.upload()
                        ? sent.identities().stream().map(i -> new IdentityKey(IdentityKind.IDENTITY, i)).toList()
                        : sent.phones().stream().map(IdentityKey::phone).toList();
                Map<IdentityKey, ActiveBinding> bound = store.read(tx -> tx.bindings().active(accountId, keys));
                // an upload applied binds every identity; a disassociation applied unbinds every number
                long applied = sent.upload() ? bound.size() : keys.size() - bound.size();
                if (sent.acknowledged()) {
                    assertThat(applied).as("acknowledged %s", sent).isEqualTo(keys.size());
                } else {
                    assertThat(applied).as("batch in flight at the kill, %s", sent).isIn(0L, (long) keys.size());
                }
                List<AuditEntry> audited = store.read(tx -> tx.audit().page(accountId, 0, Long.MAX_VALUE,
                        Optional.of(sent.requestId()), Long.MIN_VALUE, "", 10));
                assertThat(audited).as("the audit entry of %s: there exactly when its write is", sent)
                        .hasSize(applied == 0 ? 0 : 1);
                audited.forEach(entry -> assertThat(entry.processed()).as("%s", sent).isEqualTo(keys.size()));
            }
            assertThat(Violations.of(store)).isEmpty();
        }
    }
}
