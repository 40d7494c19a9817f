package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.ConflictPolicy;
import dev.tether.config.Limits;
import dev.tether.store.OutboxMessage;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import dev.tether.webhook.SecretBox;
import dev.tether.webhook.WebhookConfig;
import dev.tether.webhook.WebhookService;
import dev.tether.webhook.WebhookSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tether's webhooks received by a Node.js receiver that verifies each one with the npm package standardwebhooks
 * 1.1.1, the Standard Webhooks reference library: every message verifies, and a forged one does not.
 */
class StandardWebhooksLibraryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRES"})
    void everyMessage_verifiesWithTheStandardWebhooksLibrary(Backend backend) throws Exception {
        assumeTrue(Programs.available("node", "--version") && Programs.available("npm", "--version"),
                "Node.js or npm not found on this machine: the standardwebhooks test is SKIPPED, not passed");
        WebhookSettings quick = WebhookSettings.defaults().withRetries(List.of(Duration.ofMillis(200)))
                .withPoll(Duration.ofMillis(100));
        try (TestServer server = new TestServer(backend.newDatabaseUrl(), Limits.defaults(),
                new WebhookConfig(new SecretBox(TestServer.newKeyFile()), quick))) {
            TestServer.Client client = server.newAccount(true, true, ConflictPolicy.MERGE);
            int port = freePort();
            String url = "http://127.0.0.1:" + port + "/hook";
            WebhookService.Added endpoint = server.webhooks().add(client.accountId(), url, List.of());
            int changes = 12;
            Process receiver = new ProcessBuilder("node", "standardwebhooks-receiver.js", Integer.toString(port),
                    endpoint.secret(), Integer.toString(changes)).directory(Programs.nodeProject().toFile())
                    .redirectErrorStream(true).start();
            List<JsonNode> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertThat(first).isEqualTo("listening " + port);

                // a forged delivery: the library must refuse it, or this test proves nothing
                ApiResponse forged = TestServer.send(HttpRequest.newBuilder(URI.create(url))
                        .header("webhook-id", "msg_forged").header("webhook-timestamp",
                                Long.toString(System.currentTimeMillis() / 1000))
                        .header("webhook-signature", "v1,bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"identity.bound\"}")));
                assertThat(forged.status()).isEqualTo(400);

                for (int i = 0; i < 4; i++) {
                    client.post("/1/upload", "{\"d\":[{\"type\":\"profile\",\"identity\":\"n" + i + "\",\"profileData\":"
                            + "{\"Phone\":\"+1415555010" + i + "\",\"Name\":\"Ünïcode ✓ " + i + "\"}}]}");
                }
                for (int i = 0; i < 4; i++) {
                    client.post("/1/disassociate", "{\"d\":[{\"type\":\"phone\",\"value\":\"+1415555010" + i + "\"}]}");
                }
                // the receiver exits once it verified them all; a receiver still waiting after a minute is ended
                if (!receiver.waitFor(60, TimeUnit.SECONDS)) {
                    receiver.destroyForcibly();
                }
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(JSON.readTree(line));
                }
            } finally {
                receiver.destroyForcibly();
            }
            assertThat(lines.get(0).get("verified").asBoolean()).isFalse();
            assertThat(lines.get(0).get("id").asText()).isEqualTo("msg_forged");
            List<JsonNode> deliveries = lines.subList(1, lines.size());
            assertThat(deliveries).allSatisfy(d -> assertThat(d.get("verified").asBoolean()).as(d.toString())
                    .isTrue());
            List<OutboxMessage> outbox = server.store().read(tx -> tx.webhooks().messagesAfter(client.accountId(), 0,
                    100));
            assertThat(outbox).hasSize(changes);
            assertThat(deliveries.stream().map(d -> d.get("id").asText()).toList())
                    .isEqualTo(outbox.stream().map(OutboxMessage::messageId).toList());
            assertThat(deliveries.stream().filter(d -> d.get("type").asText().equals("identity.unbound")))
                    .hasSize(4);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
