package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.access.AccountService;
import dev.tether.access.NewPasscode;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.Scope;
import dev.tether.audit.Attribution;
import dev.tether.store.PasscodeEntry;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.DataSnapshot;
import dev.tether.testing.SteppedClock;
import dev.tether.testing.TestServer;
import dev.tether.work.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract's section 7e, the audit trail and who changed a binding: every write that reaches its unit of work
 * leaves one entry in its transaction (a replay one marked so, a dry run and a request refused before its unit none),
 * every command's change one, read back through {@code GET /1/audit.json} a page at a time; each history entry names
 * the request and the actor that started and ended it. The server runs on a clock the test moves.
 */
abstract class AuditContract extends ServerContract {
    private static final String P = "+14155550166";
    private final SteppedClock clock = new SteppedClock(Instant.now());

    @Override
    @BeforeAll
    void startServer() {
        server = new TestServer(backend(), clock);
    }

    private static List<JsonNode> records(ApiResponse page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return StreamSupport.stream(page.json().get("records").spliterator(), false).toList();
    }

    private List<JsonNode> trail(TestServer.Client client) {
        return records(client.get("/1/audit.json?batch_size=5000"));
    }

    @Test
    void everyWrite_leavesOneEntry_withWhoWhatAndCounts_aReplayOneMarkedSo_aDryRunAndARefusalNone() {
        TestServer.Client crm = server.withPasscode(api, new NewPasscode(Optional.of("crm-sync"),
                Set.of(Scope.WRITE, Scope.DELETE), Optional.empty()));
        ApiResponse upload = crm.post("/1/upload", batch(profile("identity", "ann", "{\"Phone\":\"" + P + "\"}"),
                profile("identity", "bob", "{\"Phone\":\"not a number\"}")), "X-Request-Id", "proxy-req-1",
                "Idempotency-Key", "up-1");
        assertThat(upload.json().get("processed").asInt()).isEqualTo(1);
        assertThat(upload.header("X-Request-Id")).contains("proxy-req-1");
        ApiResponse replay = crm.post("/1/upload", batch(profile("identity", "ann", "{\"Phone\":\"" + P + "\"}"),
                profile("identity", "bob", "{\"Phone\":\"not a number\"}")), "Idempotency-Key", "up-1");
        assertThat(replay.header("Idempotent-Replayed")).contains("true");

        List<String> before = DataSnapshot.withAuditTrail(server.databaseUrl());
        assertThat(api.post("/1/disassociate?dryRun=1", batch(phoneRecord(P))).json().get("processed").asInt())
                .isEqualTo(1);
        assertThat(api.post("/1/upload", "{\"d\":[").status()).isEqualTo(400);
        assertThat(crm.post("/1/disassociate", batch(phoneRecord(P))).status()).isEqualTo(403);
        assertThat(DataSnapshot.withAuditTrail(server.databaseUrl()))
                .as("a dry run, a 400 and a 403 leave no entry and write nothing").isEqualTo(before);

        ApiResponse cut = api.post("/1/disassociate", batch(phoneRecord(P), phoneRecord("+14155550999")));
        ApiResponse deleted = crm.post("/1/delete/profiles.json", "{\"identity\":\"ann\"}");
        assertThat(deleted.json().get("processed").asInt()).isEqualTo(1);

        String first = api.passcode().substring(0, 6);
        List<JsonNode> trail = trail(api);
        assertThat(trail).extracting(e -> e.get("action").asText() + " " + e.get("actor").asText() + " "
                        + e.get("processed").asInt() + "/" + e.get("unprocessed").asInt() + " "
                        + e.get("idempotencyKey").asText() + " " + e.get("replayed").asBoolean())
                .containsExactly(
                        "tether account create (passcode name " + first + ", hint " + first
                                + ", scopes read,write,disassociate,delete,audit) cli 1/0 null false",
                        "tether passcode add (name crm-sync, hint " + crm.passcode().substring(0, 6)
                                + ", scopes write,delete) cli 1/0 null false",
                        "POST /1/upload passcode:crm-sync 1/1 up-1 false",
                        "POST /1/upload passcode:crm-sync 0/0 up-1 true",
                        "POST /1/disassociate passcode:" + first + " 1/1 null false",
                        "POST /1/delete/profiles.json passcode:crm-sync 1/0 null false");
        assertThat(trail.get(2).get("requestId").asText()).as("the proxy's id").isEqualTo("proxy-req-1");
        assertThat(trail.get(4).get("requestId").asText()).isEqualTo(cut.header("X-Request-Id").orElseThrow());
        assertThat(trail).extracting(e -> e.get("at").asLong()).isSorted();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void theHistory_namesTheRequestAndTheActorOfEachStartAndEnd_theConsolesAsSuch() {
        TestServer.Client crm = server.withPasscode(api, new NewPasscode(Optional.of("crm-sync"),
                Set.of(Scope.WRITE), Optional.empty()));
        TestServer.Client support = server.withPasscode(api, new NewPasscode(Optional.of("support"),
                Set.of(Scope.READ, Scope.DISASSOCIATE), Optional.empty()));
        ApiResponse bound = crm.post("/1/upload", batch(profile("identity", "cy", "{\"Phone\":\"" + P + "\"}")));
        clock.advance(Duration.ofMinutes(1));
        ApiResponse cut = support.post("/1/disassociate", batch(phoneRecord(P)), "X-Tether-Console", "1");
        assertThat(cut.json().get("processed").asInt()).isEqualTo(1);

        JsonNode entry = api.get("/1/identity/history.json?phone=%2B14155550166").json().get("history").get(0);
        assertThat(entry.get("startBy").asText()).isEqualTo("passcode:crm-sync");
        assertThat(entry.get("startRequestId").asText()).isEqualTo(bound.header("X-Request-Id").orElseThrow());
        assertThat(entry.get("endBy").asText()).isEqualTo("console:support");
        assertThat(entry.get("endRequestId").asText()).isEqualTo(cut.header("X-Request-Id").orElseThrow());
        assertThat(entry.get("by").asText()).as("of the change 'reason' names: the end").isEqualTo("console:support");
        assertThat(entry.get("requestId").asText()).isEqualTo(entry.get("endRequestId").asText());

        ApiResponse its = api.get("/1/audit.json?requestId=" + entry.get("requestId").asText());
        assertThat(records(its)).singleElement().satisfies(audited -> {
            assertThat(audited.get("actor").asText()).isEqualTo("console:support");
            assertThat(audited.get("action").asText()).isEqualTo("POST /1/disassociate");
        });
        JsonNode identity = api.get("/1/identity/history.json?identity=cy").json().get("history").get(0);
        assertThat(identity.get("to").isNull()).isTrue();
        assertThat(identity.get("by").asText()).as("active: the start").isEqualTo("passcode:crm-sync");
        assertThat(identity.get("endBy").isNull()).isTrue();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void theTrail_isReadAPageAtATime_withSignedCursors_withinFromAndTo() {
        long start = clock.instant().getEpochSecond();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            api.post("/1/upload", batch(profile("identity", "p" + i, "{}")));
        }
        List<JsonNode> read = new ArrayList<>();
        ApiResponse page = api.get("/1/audit.json?batch_size=2&from=" + (start + 1));
        int pages = 1;
        read.addAll(records(page));
        while (page.json().has("next_cursor")) {
            String cursor = page.json().get("next_cursor").asText();
            page = api.get("/1/audit.json?cursor=" + cursor);
            read.addAll(records(page));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(read).hasSize(5).allSatisfy(e -> assertThat(e.get("action").asText()).isEqualTo("POST /1/upload"));
        assertThat(records(api.get("/1/audit.json?from=" + (start + 11) + "&to=" + (start + 30)))).hasSize(2);

        String cursor = api.get("/1/audit.json?batch_size=1").json().get("next_cursor").asText();
        assertError(server.newAccount().get("/1/audit.json?cursor=" + cursor), 400, null);
        assertError(api.get("/1/audit.json?cursor=" + cursor.substring(0, cursor.length() - 2) + "AA"), 400, null);
        String events = api.post("/1/events.json?batch_size=10",
                "{\"event_name\":\"Seen\",\"from\":20260101,\"to\":20260102}").json().get("cursor").asText();
        assertError(api.get("/1/audit.json?cursor=" + events), 400, "Cursor is of an export of events, not of audit");
        assertError(api.get("/1/audit.json?from=yesterday"), 400, "from must be a time in epoch seconds");
        assertError(api.get("/1/audit.json?from=20&to=10"), 400, "to must not be before from");
    }

    @Test
    void commandsChanges_areEntriesOfTheirOwn_byTheCli() {
        String hint = server.accounts().addPasscode(api.accountId()).substring(0, 6);
        assertThat(server.accounts().revokePasscodeByHint(api.accountId(), hint)).isTrue();
        server.accounts().update(api.accountId(), new AccountService.Settings(Optional.of("renamed"),
                Optional.empty(), Optional.empty(), Optional.of(ConflictPolicy.MERGE)));
        server.accounts().update(api.accountId(), new AccountService.Settings(Optional.of("renamed"),
                Optional.empty(), Optional.empty(), Optional.empty()));
        String endpoint = server.webhooks().add(api.accountId(), "http://127.0.0.1:9/hook", List.of()).endpoint()
                .endpointId();
        server.webhooks().pause(api.accountId(), endpoint);
        server.webhooks().resume(api.accountId(), endpoint);
        server.webhooks().remove(api.accountId(), endpoint);
        assertThat(trail(api)).extracting(e -> e.get("actor").asText()).containsOnly("cli");
        assertThat(trail(api)).extracting(e -> e.get("action").asText())
                .as("what an update changed; the second changed nothing and left no entry")
                .contains("tether account update (name test -> renamed, conflictPolicy reject -> merge)")
                .contains("tether webhook add (" + endpoint + ", http://127.0.0.1:9/hook)");
        assertThat(trail(api)).extracting(e -> e.get("action").asText().replaceAll(" \\(.*", "")).containsExactly(
                "tether account create", "tether passcode add", "tether passcode revoke", "tether account update",
                "tether webhook add", "tether webhook pause", "tether webhook resume", "tether webhook remove");
    }

    @Test
    void anExpiredPasscode_is401_andEachPasscodeNotesTheLastDayItWasUsed() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        long endOfToday = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        TestServer.Client shortLived = server.withPasscode(api, new NewPasscode(Optional.of("trial"), Scope.ALL,
                Optional.of(endOfToday)));
        assertThat(shortLived.get("/1/account.json").status()).isEqualTo(200);
        PasscodeEntry used = server.accounts().passcodes(api.accountId()).stream()
                .filter(p -> p.name().equals("trial")).findFirst().orElseThrow();
        assertThat(used.lastUsedAt()).contains(today.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        assertThat(used.expiresAt()).contains(endOfToday);

        clock.moveTo(Instant.ofEpochSecond(endOfToday));
        assertError(shortLived.get("/1/account.json"), 401, "Invalid Credentials");
        assertError(shortLived.post("/1/upload", UPLOAD), 401, "Invalid Credentials");
        assertThat(api.get("/1/account.json").status()).as("the account's other passcode").isEqualTo(200);
        assertThat(server.accounts().passcodes(api.accountId()).stream().filter(p -> p.name().equals("trial"))
                .findFirst().orElseThrow().lastUsedAt()).as("a refused use is no use").isEqualTo(used.lastUsedAt());
    }

    @Test
    void entriesPastTheRetention_arePurged_inSmallBatches_theRestKept() {
        SteppedClock own = new SteppedClock(Instant.now());
        try (TestServer retained = new TestServer(backend(), own)) {
            Instant start = own.instant();
            TestServer.Client client = retained.newAccount();
            client.post("/1/upload", UPLOAD);
            retained.store().change(tx -> {
                for (int i = 0; i < 2500; i++) {
                    tx.audit().insert(client.accountId(), Attribution.commandEntry("old " + i,
                            start.getEpochSecond() - 86_400));
                }
            });
            own.advance(Duration.ofDays(2));
            client.post("/1/upload", UPLOAD);
            assertThat(records(client.get("/1/audit.json?batch_size=5000"))).hasSize(2503);
            Transactions purging = new Transactions(retained.store(), Clock.fixed(start.plus(Duration.ofDays(401)),
                    ZoneOffset.UTC));
            assertThat(purging.purgeAuditTrail(Duration.ofDays(400)))
                    .as("three batches: the old entries, the account's making and first upload").isEqualTo(2502);
            assertThat(records(client.get("/1/audit.json"))).singleElement()
                    .satisfies(e -> assertThat(e.get("action").asText()).isEqualTo("POST /1/upload"));
            assertThat(retained.violations()).as("bindings older than the trail need no entry").isEmpty();
        }
    }
}
