package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.UnknownAccountException;
import dev.tether.config.Limits;
import dev.tether.store.DeliveryAttempt;
import dev.tether.store.OutboxMessage;
import dev.tether.store.StoredEndpoint;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.TestServer;
import dev.tether.testing.WebhookReceiver;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookService;
import dev.tether.webhook.WebhookSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/API.md section 15: every identity change becomes a signed message in the transaction of the change, and is
 * delivered at least once, in commit order, one at a time per endpoint. Every delivery is checked by a receiver that
 * verifies the signature with its own code, written from the Standard Webhooks specification.
 */
abstract class WebhookContract extends ServerContract {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String P = "+14155550123";
    /** Quick retries, so that the retry and give-up paths run in a test: three retries, then given up. */
    static final WebhookSettings QUICK = WebhookSettings.defaults()
            .withRetries(List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200)))
            .withTimeout(Duration.ofSeconds(2), Duration.ofSeconds(7)).withPoll(Duration.ofMillis(100));

    private WebhookReceiver receiver;

    @BeforeAll
    @Override
    void startServer() {
        server = new TestServer(backend().newDatabaseUrl(), Limits.defaults(),
                new WebhookConfig(new SecretBox(TestServer.newKeyFile()), QUICK));
    }

    @BeforeEach
    void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    /** Adds an endpoint for the client's account at a path of the receiver, which trusts its secret. */
    private StoredEndpoint endpoint(TestServer.Client client, String path, String... types) {
        WebhookService.Added added = server.webhooks().add(client.accountId(), receiver.url(path), List.of(types));
        assertThat(added.secret()).matches("whsec_[A-Za-z0-9+/]{43}=");
        receiver.trust(path, added.secret());
        return added.endpoint();
    }

    private List<OutboxMessage> outbox(TestServer.Client client) {
        return server.store().read(tx -> tx.webhooks().messagesAfter(client.accountId(), 0, 100_000));
    }

    private List<DeliveryAttempt> attempts(TestServer.Client client) {
        List<DeliveryAttempt> newestFirst = new ArrayList<>(server.webhooks().deliveries(client.accountId(),
                Optional.empty(), 1000));
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static List<String> ids(List<WebhookReceiver.Delivery> deliveries) {
        return deliveries.stream().map(WebhookReceiver.Delivery::id).toList();
    }

    private String guid(TestServer.Client client, String query) {
        ApiResponse response = client.get("/1/profile.json?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("record").get("objectId").asText();
    }

    private static void ok(ApiResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void everyKindOfChange_arrivesSigned_inCommitOrder_withTheDocumentedBody() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        endpoint(merging, "/all");
        ok(merging.post("/1/upload", batch(profile("identity", "anna", "{\"Email\":\"shared@x.co\",\"Phone\":\"" + P
                + "\"}"))));
        String anna = guid(merging, "identity=anna");
        ok(merging.post("/1/upload", batch(profile("identity", "bob", "{\"Name\":\"Bob\"}"))));
        String bob = guid(merging, "identity=bob");
        ok(merging.post("/1/upload", batch(profile("identity", "bob", "{\"Email\":\"shared@x.co\"}"))));
        ok(merging.post("/1/disassociate", batch(phoneRecord(P))));
        ok(merging.post("/1/subscribe", batch("{\"type\":\"email\",\"value\":\"shared@x.co\",\"status\":"
                + "\"Unsubscribe\"}")));
        ok(merging.post("/1/demerge/profiles.json", "{\"identities\":[\"bob\"]}"));
        ok(merging.post("/1/delete/profiles.json", "{\"guid\":\"" + anna + "\"}"));

        List<OutboxMessage> outbox = outbox(merging);
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(outbox.size(), WAIT);
        assertThat(ids(received)).as("delivered once each, in the order of the commits")
                .isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
        assertThat(received).allSatisfy(d -> {
            assertThat(d.verified()).as("signature of %s", d.id()).isTrue();
            assertThat(d.id()).startsWith("msg_");
            assertThat(Long.parseLong(d.timestamp())).isCloseTo(Instant.now().getEpochSecond(),
                    org.assertj.core.data.Offset.offset(60L));
            assertThat(d.json().get("data").get("accountId").asText()).isEqualTo(merging.accountId());
            assertThat(Instant.parse(d.json().get("timestamp").asText()).getEpochSecond())
                    .isEqualTo(d.json().get("data").get("at").asLong());
        });
        assertThat(received.stream().map(WebhookReceiver.Delivery::type).distinct())
                .containsExactlyInAnyOrder("identity.bound", "identity.unbound", "profile.merged",
                        "profile.demerged", "profile.deleted", "subscription.changed");

        JsonNode disassociated = received.stream().map(WebhookReceiver.Delivery::json)
                .filter(j -> j.get("data").path("reason").asText().equals("disassociated")).findFirst().orElseThrow();
        assertThat(disassociated.get("type").asText()).isEqualTo("identity.unbound");
        JsonNode data = disassociated.get("data");
        assertThat(data.get("objectId").asText()).isEqualTo(bob);
        assertThat(data.get("kind").asText()).isEqualTo("Phone");
        assertThat(data.get("value").asText()).isEqualTo(P);
        assertThat(fields(data)).containsExactly("accountId", "objectId", "kind", "value", "reason", "at");

        JsonNode merged = only(received, "profile.merged");
        assertThat(merged.get("data").get("objectId").asText()).isEqualTo(bob);
        assertThat(merged.get("data").get("mergedObjectId").asText()).isEqualTo(anna);
        JsonNode demerged = only(received, "profile.demerged");
        assertThat(demerged.get("data").get("objectId").asText()).isEqualTo(anna);
        assertThat(demerged.get("data").get("demergedFrom").asText()).isEqualTo(bob);
        assertThat(only(received, "profile.deleted").get("data").get("objectId").asText()).isEqualTo(anna);
        JsonNode subscribed = only(received, "subscription.changed").get("data");
        assertThat(subscribed.get("kind").asText()).isEqualTo("Email");
        assertThat(subscribed.get("value").asText()).isEqualTo("shared@x.co");
        assertThat(subscribed.get("status").asText()).isEqualTo("Unsubscribe");
        assertThat(subscribed.get("objectId").isNull()).isTrue();
        // the bindings Bob lost to the demerge end with reason demerged
        assertThat(received.stream().map(WebhookReceiver.Delivery::json)
                .filter(j -> j.get("type").asText().equals("identity.unbound"))
                .map(j -> j.get("data").get("reason").asText()))
                .contains("disassociated", "demerged");
        assertThat(awaitAttempts(merging, outbox.size())).hasSize(outbox.size())
                .allSatisfy(a -> assertThat(a.outcome()).isEqualTo("delivered"));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode only(List<WebhookReceiver.Delivery> received, String type) {
        List<JsonNode> matching = received.stream().filter(d -> d.type().equals(type))
                .map(WebhookReceiver.Delivery::json).toList();
        assertThat(matching).as(type).hasSize(1);
        return matching.get(0);
    }

    @Test
    void aReceiverThatAnswers500_getsTheSameMessageAgain_withTheSameId() {
        endpoint(api, "/flaky");
        Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        receiver.answer(d -> tries.computeIfAbsent(d.id(), id -> new AtomicInteger()).incrementAndGet() <= 2 ? 500
                : 204);
        ok(api.post("/1/upload", batch(profile("identity", "flaky-user", "{\"Name\":\"F\"}"))));

        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(3, WAIT);
        assertThat(ids(received)).hasSize(3).containsOnly(received.get(0).id());
        assertThat(received).allSatisfy(d -> assertThat(d.verified()).isTrue());
        assertThat(received.stream().map(WebhookReceiver.Delivery::body).distinct()).hasSize(1);
        List<DeliveryAttempt> attempts = awaitAttempts(api, 3);
        assertThat(attempts).extracting(DeliveryAttempt::attempt).containsExactly(1, 2, 3);
        assertThat(attempts).extracting(DeliveryAttempt::outcome).containsExactly("retrying", "retrying",
                "delivered");
        assertThat(attempts.get(0).httpStatus()).hasValue(500);
        assertThat(attempts.get(0).error()).hasValue("HTTP 500: receiver says no");
        assertThat(attempts.get(2).error()).isEmpty();
    }

    private List<DeliveryAttempt> awaitAttempts(TestServer.Client client, int count) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<DeliveryAttempt> attempts = attempts(client);
            if (attempts.size() >= count || System.nanoTime() > end) {
                return attempts;
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aMessageThatKeepsFailing_isGivenUpAfterTheLastRetry_andTheNextOnesStillCome() {
        endpoint(api, "/picky");
        receiver.answer(d -> d.body().contains("\"value\":\"refused\"") ? 500 : 204);
        ok(api.post("/1/upload", batch(profile("identity", "refused", "{\"Name\":\"R\"}"))));
        String refused = outbox(api).get(0).messageId();
        ok(api.post("/1/upload", batch(profile("identity", "accepted", "{\"Name\":\"A\"}"))));
        String accepted = outbox(api).get(1).messageId();

        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(5, WAIT);
        assertThat(ids(received)).containsExactly(refused, refused, refused, refused, accepted);
        List<DeliveryAttempt> attempts = awaitAttempts(api, 5);
        assertThat(attempts).extracting(DeliveryAttempt::outcome)
                .containsExactly("retrying", "retrying", "retrying", "failed", "delivered");
        assertThat(server.webhooks().list(api.accountId()).get(0).deliveredSeq()).isEqualTo(outbox(api).get(1).seq());
    }

    @Test
    void dryRuns_rejectedRecords_andFailedRequests_writeNoMessage() {
        endpoint(api, "/quiet");
        ok(api.post("/1/upload", batch(profile("identity", "holder", "{\"Phone\":\"" + P + "\"}"))));
        int before = outbox(api).size();

        ok(api.post("/1/disassociate?dryRun=1", batch(phoneRecord(P))));
        ApiResponse rejected = api.post("/1/disassociate", batch(phoneRecord("not a number")));
        assertThat(rejected.json().get("unprocessed").size()).isEqualTo(1);
        ApiResponse conflict = api.post("/1/upload", batch(profile("identity", "other", "{\"Phone\":\"" + P
                + "\"}")));
        assertThat(conflict.json().get("unprocessed").size()).as(conflict.body()).isEqualTo(1);
        assertThat(api.post("/1/upload", "{\"d\":[").status()).isEqualTo(400);
        assertThat(outbox(api)).hasSize(before);

        ok(api.post("/1/disassociate", batch(phoneRecord(P))));
        List<OutboxMessage> outbox = outbox(api);
        assertThat(outbox).hasSize(before + 1);
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(before + 1, WAIT);
        sleep(300);
        assertThat(ids(receiver.received())).isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
        assertThat(received.get(before).json().get("data").get("reason").asText()).isEqualTo("disassociated");
    }

    @Test
    void oneEndpoint_getsOneMessageAtATime_inCommitOrder_whileFourClientsWrite() throws Exception {
        endpoint(api, "/ordered");
        receiver.pause(Duration.ofMillis(2));
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<ApiResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String user = "ordered-" + i;
                String phone = "+1415555" + String.format("%04d", i);
                answers.add(clients.submit(() -> api.post("/1/upload", batch(profile("identity", user,
                        "{\"Phone\":\"" + phone + "\"}")))));
            }
            for (Future<ApiResponse> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
        List<OutboxMessage> outbox = outbox(api);
        assertThat(outbox).as("an Identity and a Phone bound by each upload").hasSize(400);
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(outbox.size(), WAIT);
        assertThat(ids(received)).isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
        assertThat(receiver.maxInFlight()).as("deliveries in flight at once to one endpoint").isEqualTo(1);
        assertThat(received).allSatisfy(d -> assertThat(d.verified()).isTrue());
    }

    /**
     * Writers racing for the same numbers under the transfer policy: transactions that lose run again, and the
     * messages must be those of the commits only, each once, in an order that agrees with each number's history.
     */
    @Test
    void racingTransfers_sendTheMessagesOfTheCommitsOnly_inAnOrderEachNumbersHistoryAgreesWith() throws Exception {
        TestServer.Client transfers = server.newAccount(true, true, ConflictPolicy.TRANSFER);
        endpoint(transfers, "/race", "identity.bound", "identity.unbound");
        List<String> phones = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            phones.add("+1415555" + String.format("%04d", 7000 + p));
        }
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<ApiResponse>> answers = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                for (int i = 0; i < 15; i++) {
                    String user = "racer-" + c;
                    String phone = phones.get((c + i) % phones.size());
                    answers.add(clients.submit(() -> transfers.post("/1/upload", batch(profile("identity", user,
                            "{\"Phone\":\"" + phone + "\"}")))));
                }
            }
            for (Future<ApiResponse> answer : answers) {
                ok(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        int expected = outbox(transfers).size();
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(expected, WAIT);
        sleep(300);
        assertThat(receiver.received()).hasSize(expected);
        for (String phone : phones) {
            JsonNode history = transfers.get("/1/identity/history.json?phone=" + phone.replace("+", "%2B")).json()
                    .get("history");
            List<WebhookReceiver.Delivery> messages = received.stream()
                    .filter(d -> d.json().get("data").get("kind").asText().equals("Phone")
                            && d.json().get("data").get("value").asText().equals(phone)).toList();
            long ended = 0;
            for (JsonNode entry : history) {
                ended += entry.get("to").isNull() ? 0 : 1;
            }
            assertThat(messages.stream().filter(d -> d.type().equals("identity.bound")))
                    .as("%s: a message per binding started", phone).hasSize(history.size());
            assertThat(messages.stream().filter(d -> d.type().equals("identity.unbound")))
                    .as("%s: a message per binding ended", phone).hasSize((int) ended);
            // in commit order: bound, then unbound from that same profile, then bound again, ...
            for (int m = 0; m < messages.size(); m++) {
                assertThat(messages.get(m).type()).as("%s: message %d", phone, m)
                        .isEqualTo(m % 2 == 0 ? "identity.bound" : "identity.unbound");
                if (m % 2 == 1) {
                    assertThat(messages.get(m).json().get("data").get("objectId")).as("%s: message %d", phone, m)
                            .isEqualTo(messages.get(m - 1).json().get("data").get("objectId"));
                }
            }
        }
    }

    @Test
    void pausingAnEndpointWhileItIsBeingDeliveredTo_stopsItsSender_andLosesOrDoublesNothing() {
        StoredEndpoint endpoint = endpoint(api, "/stopping");
        receiver.pause(Duration.ofMillis(150));
        for (int i = 0; i < 12; i++) {
            ok(api.post("/1/upload", batch(profile("identity", "stop-" + i, "{\"Name\":\"S\"}"))));
        }
        receiver.awaitDeliveries(2, WAIT);
        server.webhooks().pause(api.accountId(), endpoint.endpointId());
        sleep(700);
        int atPause = receiver.received().size();
        sleep(700);
        assertThat(receiver.received()).as("nothing after the sender saw the pause").hasSize(atPause);
        assertThat(atPause).isLessThan(12);
        receiver.pause(Duration.ZERO);
        server.webhooks().resume(api.accountId(), endpoint.endpointId());
        receiver.awaitDeliveries(12, WAIT);
        sleep(300);
        assertThat(ids(receiver.received())).isEqualTo(outbox(api).stream().map(OutboxMessage::messageId).toList());
    }

    @Test
    void aSlowEndpoint_holdsUpNeitherTheApiNorAnotherAccountsEndpoint() {
        TestServer.Client slowAccount = api;
        TestServer.Client fastAccount = server.newAccount();
        try (WebhookReceiver slow = new WebhookReceiver()) {
            WebhookService.Added slowEndpoint = server.webhooks().add(slowAccount.accountId(), slow.url("/slow"),
                    List.of());
            slow.trust("/slow", slowEndpoint.secret());
            slow.pause(Duration.ofMillis(1500));
            endpoint(fastAccount, "/fast");
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                ok(slowAccount.post("/1/upload", batch(profile("identity", "slow-" + i, "{\"Name\":\"S\"}"))));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("upload while the endpoint is slow")
                        .isLessThan(Duration.ofMillis(1000));
            }
            for (int i = 0; i < 5; i++) {
                ok(fastAccount.post("/1/upload", batch(profile("identity", "fast-" + i, "{\"Name\":\"F\"}"))));
            }
            receiver.awaitDeliveries(5, Duration.ofSeconds(3));
            assertThat(slow.received().size()).as("the slow endpoint is still busy").isLessThan(5);
            slow.awaitDeliveries(5, WAIT);
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        endpoint(api, "/moved");
        receiver.answer(d -> d.path().equals("/moved") ? 302 : 204);
        ok(api.post("/1/upload", batch(profile("identity", "moved", "{\"Name\":\"M\"}"))));
        List<DeliveryAttempt> attempts = awaitAttempts(api, 1);
        assertThat(attempts.get(0).httpStatus()).hasValue(302);
        assertThat(attempts.get(0).error()).hasValue("redirect to " + receiver.url("/redirected") + " not followed");
        sleep(300);
        assertThat(receiver.received()).allSatisfy(d -> assertThat(d.path()).isEqualTo("/moved"));
    }

    @Test
    void anEndpointGetsTheTypesItTakes_ofChangesAfterItWasAdded_untilItIsRemoved() {
        ok(api.post("/1/upload", batch(profile("identity", "early", "{\"Phone\":\"" + P + "\"}"))));
        StoredEndpoint unboundOnly = endpoint(api, "/unbound", "identity.unbound");
        assertThat(unboundOnly.types()).containsExactly("identity.unbound");
        ok(api.post("/1/upload", batch(profile("identity", "late", "{\"Name\":\"L\"}"))));
        ok(api.post("/1/disassociate", batch(phoneRecord(P))));

        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(1, WAIT);
        assertThat(received.get(0).type()).isEqualTo("identity.unbound");
        assertThat(received.get(0).json().get("data").get("value").asText()).isEqualTo(P);

        assertThat(server.webhooks().remove(api.accountId(), unboundOnly.endpointId())).isTrue();
        assertThat(server.webhooks().remove(api.accountId(), unboundOnly.endpointId())).isFalse();
        ok(api.post("/1/upload", batch(profile("identity", "again", "{\"Phone\":\"" + P + "\"}"))));
        ok(api.post("/1/disassociate", batch(phoneRecord(P))));
        sleep(500);
        assertThat(receiver.received()).hasSize(1);
        assertThat(outbox(api)).as("an account without endpoints writes no messages").hasSize(1);
    }

    @Test
    void aPausedEndpoint_getsNothing_untilItIsResumed_thenEverythingInOrder() {
        StoredEndpoint endpoint = endpoint(api, "/paused");
        assertThat(server.webhooks().pause(api.accountId(), endpoint.endpointId())).isTrue();
        assertThat(server.webhooks().list(api.accountId()).get(0).pausedAt()).isPresent();
        for (int i = 0; i < 3; i++) {
            ok(api.post("/1/upload", batch(profile("identity", "paused-" + i, "{\"Name\":\"P\"}"))));
        }
        sleep(500);
        assertThat(receiver.received()).isEmpty();

        assertThat(server.webhooks().resume(api.accountId(), endpoint.endpointId())).isTrue();
        assertThat(server.webhooks().list(api.accountId()).get(0).pausedAt()).isEmpty();
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(3, WAIT);
        assertThat(ids(received)).isEqualTo(outbox(api).stream().map(OutboxMessage::messageId).toList());
        assertThat(server.webhooks().pause(api.accountId(), "ep_none")).isFalse();
        assertThat(server.webhooks().resume(api.accountId(), "ep_none")).isFalse();
    }

    @Test
    void leases_areTakenByOneOwnerAtATime_aLateReleaseEndsNoOtherLease_andResumeMakesARetryDueNow() {
        String id = server.webhooks().add(api.accountId(), "http://127.0.0.1:9/never", List.of()).endpoint()
                .endpointId();
        server.webhooks().pause(api.accountId(), id);
        ok(api.post("/1/upload", batch(profile("identity", "leased", "{\"Name\":\"L\"}"))));
        server.webhooks().resume(api.accountId(), id);
        // the server's own dispatcher competes for the lease too; the test takes it when it is free
        List<StoredEndpoint> first = List.of();
        long end = System.nanoTime() + WAIT.toNanos();
        while (first.isEmpty() && System.nanoTime() < end) {
            first = lease("test/1", id);
            sleep(20);
        }
        assertThat(first).hasSize(1);
        long cursor = first.get(0).deliveredSeq();
        assertThat(lease("test/2", id)).as("leased already").isEmpty();
        assertThat(record(id, "test/2", cursor, 0, 0)).as("not test/2's lease").isFalse();
        // test/1 fails, waits an hour for the retry, and gives the lease up
        assertThat(record(id, "test/1", cursor, 1, LATER + 3_600_000)).isTrue();
        release(id, "test/1");
        assertThat(lease("test/2", id)).as("waiting for its retry").isEmpty();
        server.webhooks().pause(api.accountId(), id);
        server.webhooks().resume(api.accountId(), id);
        List<StoredEndpoint> second = lease("test/2", id);
        assertThat(second).as("resumed: due now").hasSize(1);
        assertThat(second.get(0).attempts()).isEqualTo(1);
        // a release by the lease before comes late: it must not end this one
        release(id, "test/1");
        assertThat(record(id, "test/2", cursor, 1, LATER + 3_600_000)).isTrue();
    }

    /** A time after every lease the server's own dispatcher takes in a test. */
    private static final long LATER = System.currentTimeMillis() + 3_600_000;

    private List<StoredEndpoint> lease(String owner, String endpointId) {
        List<StoredEndpoint> leased = server.store().write(tx -> tx.webhooks().lease(owner, LATER,
                LATER + 60_000, 100));
        return leased.stream().filter(e -> e.endpointId().equals(endpointId)).toList();
    }

    private void release(String endpointId, String owner) {
        server.store().write(tx -> {
            tx.webhooks().release(endpointId, owner);
            return true;
        });
    }

    private boolean record(String endpointId, String owner, long deliveredSeq, int failed, long nextAttemptAt) {
        Boolean kept = server.store().write(tx -> tx.webhooks().recordAttempts(endpointId, List.of(), owner,
                deliveredSeq, failed, nextAttemptAt, 0));
        return kept;
    }

    @Test
    void badEndpointsAreRefused_withTheReason() {
        WebhookService webhooks = server.webhooks();
        assertThatThrownBy(() -> webhooks.add(api.accountId(), "ftp://example.com/hook", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a webhook URL must be http or https: ftp://example.com/hook");
        assertThatThrownBy(() -> webhooks.add(api.accountId(), "http:///nohost", List.of()))
                .hasMessage("a webhook URL needs a host: http:///nohost");
        assertThatThrownBy(() -> webhooks.add(api.accountId(), "https://user:pw@example.com/", List.of()))
                .hasMessageStartingWith("a webhook URL must not carry a user name or password");
        assertThatThrownBy(() -> webhooks.add(api.accountId(), "https://example.com/", List.of("identity.moved")))
                .hasMessageStartingWith("unknown message type 'identity.moved' (expected some of identity.bound,");
        assertThatThrownBy(() -> webhooks.add("nope", "https://example.com/", List.of()))
                .isInstanceOf(UnknownAccountException.class);
        assertThat(webhooks.list(api.accountId())).isEmpty();
    }

    @Test
    void theSecretIsStoredSealed_andAServerWithAnotherKeyFileCannotSign() {
        WebhookService.Added added = server.webhooks().add(api.accountId(), receiver.url("/sealed"), List.of());
        String sealed = server.store().read(tx -> tx.webhooks().endpoint(added.endpoint().endpointId()))
                .orElseThrow().sealedSecret();
        assertThat(sealed).startsWith("v1:").doesNotContain(added.secret())
                .doesNotContain(added.secret().substring("whsec_".length()));

        try (TestServer other = new TestServer(backend().newDatabaseUrl(), Limits.defaults(),
                new WebhookConfig(new SecretBox(TestServer.newKeyFile()), QUICK))) {
            WebhookService withAnotherKey = new WebhookService(other.store(), new SecretBox(TestServer.newKeyFile()),
                    Clock.systemUTC());
            // the server has no key file yet
            TestServer.Client first = other.newAccount();
            withAnotherKey.add(first.accountId(), receiver.url("/sealed"), List.of());
            ok(first.post("/1/upload", batch(profile("identity", "x", "{\"Name\":\"X\"}"))));
            assertThat(firstError(other, first)).startsWith("no webhook key file at ");

            // the server's own key file exists now, and is not the key the endpoint's secret was sealed with
            TestServer.Client second = other.newAccount();
            WebhookService.Added own = other.webhooks().add(second.accountId(), receiver.url("/own"), List.of());
            receiver.trust("/own", own.secret());
            withAnotherKey.add(second.accountId(), receiver.url("/sealed"), List.of());
            ok(second.post("/1/upload", batch(profile("identity", "y", "{\"Name\":\"Y\"}"))));
            assertThat(receiver.awaitDeliveries(1, WAIT)).allSatisfy(d -> {
                assertThat(d.path()).isEqualTo("/own");
                assertThat(d.verified()).isTrue();
            });
            long end = System.nanoTime() + WAIT.toNanos();
            List<DeliveryAttempt> failed = List.of();
            while (failed.isEmpty() && System.nanoTime() < end) {
                sleep(50);
                failed = other.webhooks().deliveries(second.accountId(), Optional.empty(), 10).stream()
                        .filter(a -> a.error().isPresent()).toList();
            }
            assertThat(failed).isNotEmpty();
            assertThat(failed.get(0).error().orElseThrow()).contains("was sealed with another webhook key");
            sleep(200);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    private static String firstError(TestServer server, TestServer.Client client) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            List<DeliveryAttempt> attempts = server.webhooks().deliveries(client.accountId(), Optional.empty(), 10);
            if (!attempts.isEmpty()) {
                return attempts.get(0).error().orElse("");
            }
            sleep(50);
        }
        throw new AssertionError("no attempt was recorded");
    }

    @Test
    void deliveredMessagesArePruned_onesAnEndpointStillNeedsAreKept() {
        endpoint(api, "/pruned");
        ok(api.post("/1/upload", batch(profile("identity", "p1", "{\"Name\":\"P\"}"))));
        receiver.awaitDeliveries(1, WAIT);
        awaitAttempts(api, 1);
        long future = Instant.now().getEpochSecond() + 10;
        server.store().write(tx -> tx.webhooks().prune(future, System.currentTimeMillis() + 10_000, 1000));
        assertThat(outbox(api)).isEmpty();
        assertThat(attempts(api)).isEmpty();

        try (WebhookReceiver down = new WebhookReceiver()) {
            server.webhooks().add(api.accountId(), down.url("/down"), List.of());
            down.goDown();
            ok(api.post("/1/upload", batch(profile("identity", "p2", "{\"Name\":\"P\"}"))));
            receiver.awaitDeliveries(2, WAIT);
            server.store().write(tx -> tx.webhooks().prune(future, 0, 1000));
            assertThat(outbox(api)).as("the endpoint that is down still needs it").hasSize(1);
        }
    }

    @Test
    void theLagMeasured_isTheAgeOfTheOldestMessageAnEndpointStillNeeds() {
        try (TestServer own = new TestServer(backend().newDatabaseUrl(), Limits.defaults(),
                new WebhookConfig(new SecretBox(TestServer.newKeyFile()), QUICK))) {
            TestServer.Client client = own.newAccount();
            WebhookService.Added added = own.webhooks().add(client.accountId(), receiver.url("/lag"), List.of());
            receiver.trust("/lag", added.secret());
            assertThat(oldest(own)).isEmpty();
            own.webhooks().pause(client.accountId(), added.endpoint().endpointId());
            long before = Instant.now().getEpochSecond();
            for (int i = 0; i < 3; i++) {
                ok(client.post("/1/upload", batch(profile("identity", "lag-" + i, "{\"Name\":\"L\"}"))));
            }
            assertThat(oldest(own).orElseThrow()).isBetween(before, Instant.now().getEpochSecond());
            own.webhooks().resume(client.accountId(), added.endpoint().endpointId());
            receiver.awaitDeliveries(3, WAIT);
            long end = System.nanoTime() + WAIT.toNanos();
            while (oldest(own).isPresent() && System.nanoTime() < end) {
                sleep(50);
            }
            assertThat(oldest(own)).as("all delivered").isEmpty();
        }
    }

    private static java.util.OptionalLong oldest(TestServer server) {
        java.util.OptionalLong oldest = server.store().read(tx -> tx.webhooks().oldestUndelivered());
        return oldest;
    }

    @Test
    void metricsCountTheAttempts() {
        endpoint(api, "/counted");
        ok(api.post("/1/upload", batch(profile("identity", "counted", "{\"Name\":\"C\"}"))));
        receiver.awaitDeliveries(1, WAIT);
        awaitAttempts(api, 1);
        ApiResponse metrics = TestServer.send(server.request("/metrics").GET());
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("tether_webhook_attempts_total\\{outcome=\"delivered\"\\} [1-9]")
                .contains("tether_webhook_oldest_undelivered_age_seconds")
                .contains("tether_webhook_attempt_duration_seconds_bucket");
    }

    @Test
    void messageIdsAreUniqueAcrossAccounts() {
        TestServer.Client second = server.newAccount();
        endpoint(api, "/one");
        endpoint(second, "/two");
        for (int i = 0; i < 10; i++) {
            ok(api.post("/1/upload", batch(profile("identity", "u" + i, "{\"Name\":\"U\"}"))));
            ok(second.post("/1/upload", batch(profile("identity", "u" + i, "{\"Name\":\"U\"}"))));
        }
        List<WebhookReceiver.Delivery> received = receiver.awaitDeliveries(20, WAIT);
        assertThat(new HashSet<>(ids(received))).hasSize(20);
        assertThat(received.stream().filter(d -> d.path().equals("/one")).map(d -> d.json().get("data")
                .get("accountId").asText()).distinct()).containsExactly(api.accountId());
    }
}
