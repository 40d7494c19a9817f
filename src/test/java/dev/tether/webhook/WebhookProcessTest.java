package dev.tether.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.OutboxMessage;
import dev.tether.store.Store;
import dev.tether.store.Stores;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import dev.tether.testing.TetherProcess;
import dev.tether.testing.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery by real {@code tether serve} processes: messages survive a kill -9 while the receiver is down,
 * and three servers on one PostgreSQL share one endpoint's delivery without losing, doubling or reordering a
 * message.
 */
class WebhookProcessTest {
    /** Quick retries, so that a receiver that comes back is tried again within seconds. */
    private static final String RETRIES = "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s";

    @TempDir
    Path dir;

    private record Account(String id, String passcode) {
    }

    private static Account account(String url) {
        try (Store store = Stores.open(url, 2)) {
            AccountService.Created created = new AccountService(store, Clock.systemUTC()).create(
                    new AccountService.NewAccount("hooks", "local", true, true, ConflictPolicy.REJECT));
            return new Account(created.account().id(), created.passcode());
        }
    }

    private static String addEndpoint(String url, Path keyFile, Account account, WebhookReceiver receiver) {
        try (Store store = Stores.open(url, 2)) {
            WebhookService.Added added = new WebhookService(store, new SecretBox(keyFile), Clock.systemUTC())
                    .add(account.id(), receiver.url("/hook"), List.of());
            receiver.trust("/hook", added.secret());
            return added.endpoint().endpointId();
        }
    }

    private static List<OutboxMessage> outbox(String url, Account account) {
        try (Store store = Stores.open(url, 2)) {
            return store.read(tx -> tx.webhooks().messagesAfter(account.id(), 0, 1_000_000));
        }
    }

    private static ApiResponse post(int port, Account account, String path, String body) {
        return TestServer.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("X-CleverTap-Account-Id", account.id())
                .header("X-CleverTap-Passcode", account.passcode()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private TetherProcess serve(String url, Path keyFile) {
        return TetherProcess.start(dir, "serve", "--port", "0", "--db", url, "--webhook-key-file", keyFile.toString(),
                "--webhook-retries", RETRIES, "--webhook-lease", "15");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void aReceiverDownWhileTheServerIsKilled_getsEveryAcknowledgedChange_onceBothAreBack(Backend backend)
            throws Exception {
        String url = backend.newDatabaseUrl();
        Path keyFile = dir.resolve("webhook.key");
        Account account = account(url);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            addEndpoint(url, keyFile, account, receiver);
            receiver.goDown();
            int acknowledged = 0;
            try (TetherProcess server = serve(url, keyFile)) {
                int port = server.awaitReady();
                for (int i = 0; i < 40; i++) {
                    String phone = "+1415555" + String.format("%04d", i);
                    ApiResponse upload = post(port, account, "/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":"
                            + "\"k" + i + "\",\"profileData\":{\"Phone\":\"" + phone + "\"}}]}");
                    assertThat(upload.status()).as(upload.body()).isEqualTo(200);
                    acknowledged += 2;
                    if (i % 2 == 0) {
                        ApiResponse cut = post(port, account, "/1/disassociate", "{\"d\":[{\"type\":\"phone\","
                                + "\"value\":\"" + phone + "\"}]}");
                        assertThat(cut.json().get("processed").asInt()).as(cut.body()).isEqualTo(1);
                        acknowledged += 1;
                    }
                }
                server.kill();
            }
            List<OutboxMessage> outbox = outbox(url, account);
            assertThat(outbox).as("every acknowledged change has its message").hasSize(acknowledged);
            assertThat(receiver.received()).isEmpty();

            receiver.comeBack();
            try (TetherProcess server = serve(url, keyFile)) {
                server.awaitReady();
                List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(acknowledged,
                        Duration.ofSeconds(120));
                Thread.sleep(500);
                assertThat(receiver.received()).as("each message once").hasSize(acknowledged);
                assertThat(received.stream().map(WebhookReceiver.Delivery::id).toList())
                        .isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
                assertThat(received).allSatisfy(d -> assertThat(d.verified()).isTrue());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void aServerKilledWhileADeliveryIsInFlight_isReplacedAfterItsLease_andTheMessageComesAgain(Backend backend)
            throws Exception {
        String url = backend.newDatabaseUrl();
        Path keyFile = dir.resolve("webhook.key");
        Account account = account(url);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            addEndpoint(url, keyFile, account, receiver);
            receiver.pause(Duration.ofSeconds(3));
            try (TetherProcess server = serve(url, keyFile)) {
                int port = server.awaitReady();
                for (int i = 0; i < 3; i++) {
                    ApiResponse upload = post(port, account, "/1/upload", "{\"d\":[{\"type\":\"profile\","
                            + "\"identity\":\"f" + i + "\",\"profileData\":{\"Name\":\"F\"}}]}");
                    assertThat(upload.status()).as(upload.body()).isEqualTo(200);
                }
                receiver.awaitDeliveries(1, Duration.ofSeconds(30));
                server.kill();
            }
            receiver.pause(Duration.ZERO);
            List<String> expected = outbox(url, account).stream().map(OutboxMessage::messageId).toList();
            assertThat(expected).hasSize(3);
            long restarted = System.nanoTime();
            try (TetherProcess server = serve(url, keyFile)) {
                server.awaitReady();
                receiver.awaitDeliveries(4, Duration.ofSeconds(60));
                Thread.sleep(500);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - restarted);
            List<String> ids = receiver.received().stream().map(WebhookReceiver.Delivery::id).toList();
            assertThat(ids).as("the message in flight at the kill comes again, then the rest, in order")
                    .isEqualTo(List.of(expected.get(0), expected.get(0), expected.get(1), expected.get(2)));
            assertThat(waited).as("the dead server's lease (15 s) ran out first")
                    .isGreaterThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void threeServersOnOnePostgres_deliverTenThousandMessagesToOneEndpoint_noneLostDoubledOrReordered()
            throws Exception {
        String url = Backend.POSTGRES.newDatabaseUrl();
        Path keyFile = dir.resolve("webhook.key");
        Account account = account(url);
        int batches = 100;
        int perBatch = 50;
        int cutBatches = 10;
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            addEndpoint(url, keyFile, account, receiver);
            try (TetherProcess one = serve(url, keyFile); TetherProcess two = serve(url, keyFile);
                 TetherProcess three = serve(url, keyFile)) {
                List<Integer> ports = List.of(one.awaitReady(), two.awaitReady(), three.awaitReady());
                ExecutorService clients = Executors.newFixedThreadPool(3);
                try {
                    List<Future<ApiResponse>> answers = new ArrayList<>();
                    for (int b = 0; b < batches; b++) {
                        StringBuilder body = new StringBuilder("{\"d\":[");
                        for (int i = 0; i < perBatch; i++) {
                            int n = b * perBatch + i;
                            body.append(i == 0 ? "" : ",").append("{\"type\":\"profile\",\"identity\":\"t").append(n)
                                    .append("\",\"profileData\":{\"Phone\":\"+1415")
                                    .append(String.format("%07d", n)).append("\"}}");
                        }
                        String json = body.append("]}").toString();
                        int port = ports.get(b % 3);
                        answers.add(clients.submit(() -> post(port, account, "/1/upload", json)));
                    }
                    for (Future<ApiResponse> answer : answers) {
                        ApiResponse response = answer.get();
                        assertThat(response.json().get("processed").asInt()).as(response.body()).isEqualTo(perBatch);
                    }
                    // each upload acknowledged, its numbers are cut through another server: cause, then effect
                    List<Future<ApiResponse>> cuts = new ArrayList<>();
                    for (int b = 0; b < cutBatches; b++) {
                        StringBuilder body = new StringBuilder("{\"d\":[");
                        for (int i = 0; i < perBatch; i++) {
                            body.append(i == 0 ? "" : ",").append("{\"type\":\"phone\",\"value\":\"+1415")
                                    .append(String.format("%07d", b * perBatch + i)).append("\"}");
                        }
                        String json = body.append("]}").toString();
                        int port = ports.get((b + 1) % 3);
                        cuts.add(clients.submit(() -> post(port, account, "/1/disassociate", json)));
                    }
                    for (Future<ApiResponse> cut : cuts) {
                        ApiResponse response = cut.get();
                        assertThat(response.json().get("processed").asInt()).as(response.body()).isEqualTo(perBatch);
                    }
                } finally {
                    clients.shutdownNow();
                }
                int expected = batches * perBatch * 2 + cutBatches * perBatch;
                List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(expected, Duration.ofMinutes(4));
                Thread.sleep(500);
                List<OutboxMessage> outbox = outbox(url, account);
                assertThat(outbox).hasSize(expected);
                assertThat(receiver.received()).as("no message twice").hasSize(expected);
                Set<String> ids = new LinkedHashSet<>(received.stream().map(WebhookReceiver.Delivery::id).toList());
                assertThat(List.copyOf(ids)).as("in commit order")
                        .isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
                assertThat(receiver.maxInFlight()).as("one delivery at a time, from any server").isEqualTo(1);
                assertThat(received).allSatisfy(d -> assertThat(d.verified()).isTrue());
                Map<String, List<String>> byNumber = new HashMap<>();
                for (WebhookReceiver.Delivery d : received) {
                    if (d.json().get("data").get("kind").asText().equals("Phone")) {
                        byNumber.computeIfAbsent(d.json().get("data").get("value").asText(), k -> new ArrayList<>())
                                .add(d.type());
                    }
                }
                for (int n = 0; n < cutBatches * perBatch; n++) {
                    assertThat(byNumber.get("+1415" + String.format("%07d", n))).as("number %d", n)
                            .containsExactly("identity.bound", "identity.unbound");
                }
            }
        }
    }
}
