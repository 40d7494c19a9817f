package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import dev.tether.testing.ApiResponse;
import dev.tether.testing.Interleaving;
import dev.tether.testing.TestServer;
import dev.tether.testing.Violations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The races that a write deciding on a snapshot lost, each stepped through one interleaving by statement on
 * PostgreSQL, where writers run at once (DECISIONS.md, "Concurrency: one lock order"): a write is stopped at one of its
 * statements while the test runs another one to its end, or until it waits for a lock the stopped one holds; then the
 * stopped one goes on. Each test failed on the snapshot-and-retry store that came before the lock order.
 */
abstract class LockOrderContract extends ServerContract {
    private static final String NUMBER = "+15551239001";

    private static String phone(String value) {
        return "{\"Phone\":\"" + value + "\"}";
    }

    /**
     * A unit binds a number nobody holds; after it read its clock and before it commits, another binds the same
     * number and a third cuts it. In one snapshot nothing was shared (the unique index covers active bindings only),
     * and the first unit's binding started before the other one ended: two bindings of one number at once in its
     * history. With a row per key, the others wait for the first one's lock and then see its binding.
     */
    @Test
    void aNumberNobodyHolds_boundWhileAnotherBindsAndCutsIt_keepsOneHistory() throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client client = server.newAccount(true, true, ConflictPolicy.REJECT);
        AtomicReference<Interleaving.Unit> others = new AtomicReference<>();
        List<ApiResponse> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        ApiResponse first = Interleaving.stoppedAt(statement -> statement.sql().startsWith("INSERT INTO profiles"),
                () -> others.set(start("bind and cut", () -> {
                    // history is kept in seconds: the others start in a later second than the one the stopped unit
                    // read its clock in, as when the overlap was seen
                    nextSecond();
                    answers.add(client.post("/1/upload", batch(profile("identity", "b", phone(NUMBER)))));
                    answers.add(client.post("/1/disassociate", batch(phoneRecord(NUMBER))));
                })),
                () -> client.post("/1/upload", batch(profile("identity", "a", phone(NUMBER)))));
        others.get().join();
        assertThat(Violations.of(server.store())).as("one history of the number").isEmpty();
        assertThat(others.get().outcome()).as("the others waited for the number's lock").isEqualTo(
                Interleaving.Outcome.WAITED);
        assertThat(codes(first)).isEmpty();
        assertThat(codes(answers.get(0))).as("b found the number a's").containsExactly(544);
        assertThat(codes(answers.get(1))).as("and the number was cut from a").isEmpty();
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(client.accountId(),
                IdentityKey.phone(NUMBER)));
        assertThat(history).as("a's binding, cut").singleElement().satisfies(entry -> {
            assertThat(entry.endReason()).contains(BindingReason.DISASSOCIATED);
            assertThat(entry.guid()).contains(guidOf(client, "a"));
        });
    }

    /**
     * {@code account update} turns Phone into an identity while the account's first upload is in flight, which was
     * authenticated with the old settings. Stopped before its first statement, the upload runs with the new settings
     * (it binds the number); stopped after it locked the account, the update waits for it and then refuses, as the
     * account has a profile. Before, the upload wrote a plain Phone property on settings that had changed under it,
     * which `tether check` reports (the property of an identity kind without its binding).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void accountUpdate_whileTheFirstUploadRuns_neverLeavesItOnTheOldSettings(int stopBefore) throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client client = server.newAccount(true, false, ConflictPolicy.REJECT);
        int[] unitStatements = {0};
        AtomicReference<Interleaving.Unit> update = new AtomicReference<>();
        AtomicReference<Optional<Exception>> refused = new AtomicReference<>(Optional.empty());
        ApiResponse upload = Interleaving.stoppedAt(statement -> !statement.sql().contains("passcode_hash")
                        && ++unitStatements[0] == stopBefore,
                () -> update.set(start("account update", () -> {
                    try {
                        server.accounts().update(client.accountId(), new AccountService.Settings(Optional.empty(),
                                Optional.empty(), Optional.of(true), Optional.empty()));
                    } catch (IllegalArgumentException e) {
                        refused.set(Optional.of(e));
                    }
                })),
                () -> client.post("/1/upload", batch(profile("identity", "u1", phone(NUMBER)))));
        assertThat(codes(upload)).isEmpty();
        update.get().join();
        assertThat(Violations.of(server.store())).isEmpty();
        boolean phoneIsIdentity = server.accounts().find(client.accountId()).orElseThrow().phoneIsIdentity();
        List<HistoryEntry> history = server.store().read(tx -> tx.bindings().history(client.accountId(),
                IdentityKey.phone(NUMBER)));
        if (stopBefore == 1) {
            assertThat(update.get().outcome()).isEqualTo(Interleaving.Outcome.FINISHED);
            assertThat(phoneIsIdentity).isTrue();
            assertThat(history).as("the upload ran on the new settings and bound the number").hasSize(1);
        } else {
            assertThat(update.get().outcome()).as("the update waited for the upload").isEqualTo(
                    Interleaving.Outcome.WAITED);
            assertThat(refused.get()).as("then found the account's first profile").isPresent();
            assertThat(phoneIsIdentity).isFalse();
            assertThat(history).isEmpty();
        }
    }

    /**
     * A write of one account waits for another write of it that holds its profile; meanwhile the other account's
     * writes go on. Before, a write that lost three times to row locks took the lock of every writer of every
     * account for itself, and every account's writes waited behind it.
     */
    @Test
    void aWriteWaitingInOneAccount_holdsUpNoOtherAccount() throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client hot = server.newAccount(true, true, ConflictPolicy.REJECT);
        TestServer.Client other = server.newAccount(true, true, ConflictPolicy.REJECT);
        assertThat(codes(hot.post("/1/upload", batch(profile("identity", "h", phone(NUMBER)))))).isEmpty();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server.store().instrument(registry);
        double retriesBefore = retries(registry);
        AtomicReference<Interleaving.Unit> waiter = new AtomicReference<>();
        AtomicReference<Interleaving.Unit> elsewhere = new AtomicReference<>();
        ApiResponse first = Interleaving.stoppedAt(statement -> statement.sql().startsWith("UPDATE profiles"), () -> {
            try {
                waiter.set(start("the same profile", () -> assertThat(codes(hot.post("/1/upload",
                        batch(profile("identity", "h", "{\"Name\":\"second\"}")))))
                        .isEmpty()));
                // long enough for a write that keeps losing to row locks to run alone, as it did after three
                assertThat(waiter.get().outcome()).as("the second write waits for the first").isEqualTo(
                        Interleaving.Outcome.WAITED);
                for (int i = 0; i < 150 && retries(registry) - retriesBefore < 3 && !waiter.get().ended(20); i++) {
                    // polls the retries, until three or 3 s
                }
                waiter.get().ended(500);
                elsewhere.set(start("another account", () -> assertThat(codes(other.post("/1/upload",
                        batch(profile("identity", "o", "{\"Name\":\"o\"}"))))).isEmpty()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, () -> hot.post("/1/upload", batch(profile("identity", "h", "{\"Name\":\"first\"}"))));
        assertThat(codes(first)).isEmpty();
        assertThat(elsewhere.get().outcome()).as("the other account's upload ran to its end while the hot account's"
                + " writes waited").isEqualTo(Interleaving.Outcome.FINISHED);
        elsewhere.get().join();
        waiter.get().join();
        assertThat(retries(registry) - retriesBefore).as("the waiting write waited instead of running again").isZero();
        assertThat(hot.get("/1/profile.json?identity=h").json().get("record").get("name").asText())
                .isEqualTo("second");
    }

    /**
     * A key row is held from the moment a write makes it, like one it locks. Two batches name a user who exists (u1)
     * and one who does not (u3); the second also follows u2, between them in the order of keys. When the first made
     * u3's row and only then locked u1's, the second could take u1 and its shared u2, then wait at u3 for the first
     * while the first waited at u1 for it: a deadlock, found by PostgreSQL after a second and run again. Making and
     * locking each key in its turn, in one statement, leaves the second waiting at u1, and nothing runs again.
     */
    @Test
    void aKeyRowMadeAndAnEarlierOneLocked_inOneTurn_noDeadlock() throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client client = server.newAccount(true, true, ConflictPolicy.REJECT);
        assertThat(codes(client.post("/1/upload", batch(profile("identity", "u1", phone("+15551239101")),
                profile("identity", "u2", phone("+15551239102")))))).isEmpty();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server.store().instrument(registry);
        double retriesBefore = retries(registry);
        boolean[] keysWritten = {false};
        AtomicReference<Interleaving.Unit> second = new AtomicReference<>();
        ApiResponse first = Interleaving.stoppedAt(statement -> {
            boolean afterTheFirstKeyWrite = keysWritten[0];
            keysWritten[0] |= statement.sql().startsWith("INSERT INTO identity_keys");
            return afterTheFirstKeyWrite;
        }, () -> second.set(start("u1, u2's events, u3", () -> assertThat(codes(client.post("/1/upload", batch(
                profile("identity", "u1", phone("+15551239101")),
                event("identity", "u2", "Viewed", "{}"),
                profile("identity", "u3", phone("+15551239103")))))).isEmpty())),
                () -> client.post("/1/upload", batch(profile("identity", "u1", phone("+15551239101")),
                        profile("identity", "u3", phone("+15551239103")))));
        assertThat(codes(first)).isEmpty();
        assertThat(second.get().outcome()).as("the second batch waits at u1").isEqualTo(Interleaving.Outcome.WAITED);
        second.get().join();
        assertThat(retries(registry) - retriesBefore).as("no deadlock, nothing ran again").isZero();
        assertThat(Violations.of(server.store())).isEmpty();
        assertThat(guidOf(client, "u3")).isNotBlank();
    }

    /**
     * A new user's keys' rows are made naming the profile the unit means to make her (DECISIONS.md, "A new user's key
     * rows, written once"), on the read before its locks. Stopped before it makes them, another upload binds her
     * number to someone else; the unit then finds that number's row, and the rows it made as meant are written as the
     * account's policy decides: refused, back to naming nobody; transferred or merged, naming her profile, and the
     * number with them.
     */
    @ParameterizedTest
    @EnumSource(ConflictPolicy.class)
    void aNewUsersNumberBoundBetweenTheReadAndTheLocks_herRowsEndAsTheirBindings(ConflictPolicy policy)
            throws Exception {
        assumeTrue(backend().postgres(), "writers run one at a time on SQLite");
        TestServer.Client client = server.newAccount(true, true, policy);
        String number = "+15551239201";
        ApiResponse first = Interleaving.stoppedAt(statement -> statement.sql().startsWith("INSERT INTO identity_keys"),
                () -> assertThat(codes(client.post("/1/upload", batch(profile("identity", "earlier", phone(number))))))
                        .isEmpty(),
                () -> client.post("/1/upload", batch(profile("identity", "newcomer",
                        "{\"Email\":\"newcomer@example.com\",\"Phone\":\"" + number + "\"}"))));
        assertThat(codes(first)).isEqualTo(policy == ConflictPolicy.REJECT ? List.of(544) : List.of());
        assertThat(Violations.of(server.store())).as("every key row as its bindings say").isEmpty();
        List<List<String>> rows = server.store().inspection().rows("SELECT value, COALESCE(guid, 'nobody')"
                + " FROM identity_keys WHERE account_id = '" + client.accountId() + "' AND value IN"
                + " ('newcomer', 'newcomer@example.com') ORDER BY value");
        if (policy == ConflictPolicy.REJECT) {
            assertThat(rows).as("made naming her profile, refused").containsExactly(List.of("newcomer", "nobody"),
                    List.of("newcomer@example.com", "nobody"));
        } else {
            String newcomer = guidOf(client, "newcomer");
            assertThat(rows).containsExactly(List.of("newcomer", newcomer), List.of("newcomer@example.com", newcomer));
        }
    }

    private static void nextSecond() {
        try {
            Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Interleaving.Unit start(String name, Runnable work) {
        try {
            return Interleaving.start(server.databaseUrl(), name, work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double retries(SimpleMeterRegistry registry) {
        return registry.get("tether.storage.retries").tag("reason", "conflict").functionCounter().count();
    }

    /** The codes of a batch's unprocessed records (none when all were processed). */
    private static List<Integer> codes(ApiResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<Integer> codes = new ArrayList<>();
        for (JsonNode record : response.json().path("unprocessed")) {
            codes.add(record.get("code").asInt());
        }
        return codes;
    }

    private static String guidOf(TestServer.Client client, String identity) {
        return client.get("/1/profile.json?identity=" + identity).json().get("record").get("objectId").asText();
    }
}
