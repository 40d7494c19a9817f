package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.store.OutboxMessage;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.MetricsText;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract's section 7d, the merge limit: a profile absorbs at most the account's merges in any 24 hours; a
 * record whose merge would pass it is 554 and changes nothing, {@code tether_merges_refused_total} counts it, and a
 * {@code profile.merge_refused} webhook message tells the account. The server runs on a clock the test moves.
 */
abstract class MergeLimitContract extends ServerContract {
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-04-01T12:00:00Z"));

    @Override
    @BeforeAll
    void startServer() {
        server = new TestServer(backend(), clock);
    }

    private static int processed(ApiResponse answer) {
        return answer.json().get("processed").asInt();
    }

    private String guid(TestServer.Client client, String identity) {
        return client.get("/1/profile.json?identity=" + identity).json().get("record").get("objectId").asText();
    }

    @Test
    void aProfileAbsorbsAtMostTheLimitIn24Hours_theNextMergeIs554_changesNothing_isCounted_andTold() {
        TestServer.Client merging = server.newAccount(true, true, ConflictPolicy.MERGE);
        server.accounts().update(merging.accountId(), new AccountService.Settings(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(2)));
        server.webhooks().add(merging.accountId(), "http://127.0.0.1:9/never", List.of("profile.merge_refused"));
        for (String user : List.of("s", "a", "b", "c")) {
            assertThat(processed(merging.post("/1/upload", batch(profile("identity", user,
                    "{\"Email\":\"" + user + "@shop.co\"}"))))).isEqualTo(1);
        }
        String survivor = guid(merging, "s");
        String c = guid(merging, "c");
        clock.advance(Duration.ofHours(1));
        for (String absorbed : List.of("a", "b")) {
            assertThat(processed(merging.post("/1/upload", batch(profile("identity", "s",
                    "{\"Email\":\"" + absorbed + "@shop.co\"}"))))).as(absorbed).isEqualTo(1);
        }
        clock.advance(Duration.ofHours(22));
        String metrics = TestServer.send(server.request("/metrics").GET()).body();
        double before = MetricsText.value(metrics, "tether_merges_refused_total", Map.of());
        ApiResponse refused = merging.post("/1/upload", batch(profile("identity", "s", "{\"Email\":\"c@shop.co\"}")));
        assertThat(processed(refused)).as(refused.body()).isZero();
        assertThat(refused.json().get("unprocessed").get(0).get("code").asInt()).isEqualTo(554);
        assertThat(refused.json().get("unprocessed").get(0).get("error").asText()).isEqualTo(
                "Merge refused: this profile merged 2 profiles in the last 24 hours. Skipped record number : 1");
        assertThat(guid(merging, "c")).as("c was not merged").isEqualTo(c);
        assertThat(merging.get("/1/profile.json?email=c@shop.co").json().get("record").get("objectId").asText())
                .as("c keeps its email").isEqualTo(c);
        assertThat(MetricsText.value(TestServer.send(server.request("/metrics").GET()).body(),
                "tether_merges_refused_total", Map.of())).isEqualTo(before + 1);
        List<OutboxMessage> told = server.store().read(tx -> tx.webhooks().messagesAfter(merging.accountId(), 0,
                1000));
        assertThat(told).singleElement().satisfies(message -> {
            assertThat(message.type()).isEqualTo("profile.merge_refused");
            assertThat(message.payload()).contains(survivor).contains(c);
        });

        clock.advance(Duration.ofHours(2).minusSeconds(1));
        assertThat(merging.post("/1/upload", batch(profile("identity", "s", "{\"Email\":\"c@shop.co\"}"))).json()
                .get("unprocessed").get(0).get("code").asInt()).as("a second before the 24 hours are over")
                .isEqualTo(554);
        clock.advance(Duration.ofSeconds(1));
        assertThat(processed(merging.post("/1/upload", batch(profile("identity", "s",
                "{\"Email\":\"c@shop.co\"}"))))).as("24 hours after the first two merges").isEqualTo(1);
        assertThat(merging.get("/1/profile.json?objectId=" + c).json().get("record").get("objectId").asText())
                .as("c merged into the survivor").isEqualTo(survivor);
        assertThat(server.violations()).isEmpty();
    }
}
