package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.audit.Attribution;
import dev.tether.audit.Counted;
import dev.tether.batch.BatchRequest;
import dev.tether.config.Limits;
import dev.tether.core.IdentityChange;
import dev.tether.core.IdentityChange.BindingEnded;
import dev.tether.core.IdentityChange.BindingStarted;
import dev.tether.core.IdentityChange.ProfileDeleted;
import dev.tether.core.IdentityChange.ProfileDemerged;
import dev.tether.core.IdentityChange.ProfileMerged;
import dev.tether.core.IdentityChange.SubscriptionChanged;
import dev.tether.delete.DeleteRequest;
import dev.tether.delete.DeleteService;
import dev.tether.demerge.DemergeRequest;
import dev.tether.demerge.DemergeService;
import dev.tether.disassociate.DisassociateRequest;
import dev.tether.disassociate.DisassociateService;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.subscribe.SubscribeRequest;
import dev.tether.subscribe.SubscribeService;
import dev.tether.testing.Backend;
import dev.tether.testing.TestServer;
import dev.tether.upload.UploadRequest;
import dev.tether.upload.UploadService;
import dev.tether.work.Transactions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a unit of work reports it changed (the raw material of webhook messages): every binding that started or
 * ended with its reason, every merge and delete, in order; the same in a dry run, which writes nothing.
 */
abstract class IdentityChangesContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Attribution BY = Attribution.cli("test");
    private static final Counted NOTHING_COUNTED = new Counted(0, 0);
    private static final IdentityKey PHONE = IdentityKey.phone("+15550000021");
    private static final IdentityKey EMAIL = new IdentityKey(IdentityKind.EMAIL, "c@x.co");

    protected abstract Backend backend();

    @Test
    void uploadMergeDisassociateDelete_reportEveryBindingChangeWithItsReason() throws Exception {
        try (TestServer server = new TestServer(backend())) {
            Account account = server.newAccount(true, true, ConflictPolicy.MERGE).account();
            Transactions transactions = new Transactions(server.store(), Clock.systemUTC());
            String loser = ((BindingStarted) upload(transactions, account,
                    "{\"type\":\"profile\",\"identity\":\"l\",\"profileData\":{\"Email\":\"c@x.co\"}}").get(0)).guid();
            List<IdentityChange> merge = upload(transactions, account,
                    "{\"type\":\"profile\",\"identity\":\"+15550000021\",\"profileData\":{\"Email\":\"c@x.co\"}}");
            String survivor = ((BindingStarted) merge.get(0)).guid();
            assertThat(merge).containsExactly(
                    new BindingStarted(PHONE, survivor, BindingReason.UPLOADED, at(merge, 0)),
                    new BindingEnded(new IdentityKey(IdentityKind.IDENTITY, "l"), loser, BindingReason.MERGED,
                            at(merge, 1)),
                    new BindingStarted(new IdentityKey(IdentityKind.IDENTITY, "l"), survivor, BindingReason.MERGED,
                            at(merge, 2)),
                    new BindingEnded(EMAIL, loser, BindingReason.MERGED, at(merge, 3)),
                    new BindingStarted(EMAIL, survivor, BindingReason.MERGED, at(merge, 4)),
                    new ProfileMerged(loser, survivor, at(merge, 5)));

            DisassociateRequest cut = DisassociateRequest.parse(account,
                    records("{\"type\":\"phone\",\"value\":\"+15550000021\"}"), LocalDate.now(ZoneOffset.UTC));
            Transactions.Committed<?> dryRun = transactions.write(account, true, BY,
                    unit -> new DisassociateService().disassociate(unit, cut), r -> NOTHING_COUNTED);
            assertThat(dryRun.changes()).as("a dry run reports what would change")
                    .containsExactly(new BindingEnded(PHONE, survivor, BindingReason.DISASSOCIATED,
                            dryRun.changes().get(0).at()));
            Transactions.Committed<?> done = transactions.write(account, false, BY,
                    unit -> new DisassociateService().disassociate(unit, cut), r -> NOTHING_COUNTED);
            assertThat(done.changes()).isEqualTo(List.of(new BindingEnded(PHONE, survivor,
                    BindingReason.DISASSOCIATED, done.changes().get(0).at())));

            DeleteRequest delete = DeleteRequest.parse(account, JSON.readTree("{\"identity\":\"c@x.co\"}"), 100);
            List<IdentityChange> deleted = transactions.write(account, false, BY,
                    unit -> new DeleteService().delete(unit, delete), r -> NOTHING_COUNTED).changes();
            assertThat(deleted).filteredOn(c -> c instanceof BindingEnded).extracting(c -> ((BindingEnded) c).key())
                    .containsExactlyInAnyOrder(EMAIL, new IdentityKey(IdentityKind.IDENTITY, "l"));
            assertThat(deleted).filteredOn(c -> c instanceof BindingEnded)
                    .allSatisfy(c -> assertThat(((BindingEnded) c).reason()).isEqualTo(BindingReason.DELETED));
            assertThat(deleted).filteredOn(c -> c instanceof ProfileDeleted)
                    .extracting(c -> ((ProfileDeleted) c).guid()).containsExactlyInAnyOrder(survivor, loser);
        }
    }

    @Test
    void demergeAndSubscribe_reportTheirChanges() throws Exception {
        try (TestServer server = new TestServer(backend())) {
            Account account = server.newAccount(true, true, ConflictPolicy.MERGE).account();
            Transactions transactions = new Transactions(server.store(), Clock.systemUTC());
            String loser = ((BindingStarted) upload(transactions, account,
                    "{\"type\":\"profile\",\"identity\":\"l\",\"profileData\":{\"Email\":\"c@x.co\"}}").get(0)).guid();
            String survivor = ((BindingStarted) upload(transactions, account,
                    "{\"type\":\"profile\",\"identity\":\"s\",\"profileData\":{\"Email\":\"c@x.co\"}}").get(0)).guid();

            DemergeRequest demerge = DemergeRequest.parse(account, JSON.readTree("{\"identities\":[\"s\"]}"), 100);
            List<IdentityChange> demerged = transactions.write(account, false, BY,
                    unit -> new DemergeService().demerge(unit, demerge), r -> NOTHING_COUNTED).changes();
            assertThat(demerged).filteredOn(c -> c instanceof BindingEnded).extracting(c -> ((BindingEnded) c).key())
                    .containsExactlyInAnyOrder(EMAIL, new IdentityKey(IdentityKind.IDENTITY, "s"));
            assertThat(demerged).filteredOn(c -> c instanceof BindingEnded)
                    .allSatisfy(c -> assertThat(((BindingEnded) c).guid()).isEqualTo(survivor))
                    .allSatisfy(c -> assertThat(((BindingEnded) c).reason()).isEqualTo(BindingReason.DEMERGED));
            assertThat(demerged).filteredOn(c -> c instanceof ProfileDemerged)
                    .containsExactly(new ProfileDemerged(loser, survivor, demerged.get(demerged.size() - 1).at()));

            SubscribeRequest subscribe = SubscribeRequest.parse(records(
                    "{\"type\":\"phone\",\"value\":\"+15550000021\",\"status\":\"Unsubscribe\"}",
                    "{\"type\":\"email\",\"value\":\"bad\",\"status\":\"Unsubscribe\"}"));
            List<IdentityChange> subscribed = transactions.write(account, false, BY,
                    unit -> new SubscribeService().subscribe(unit, subscribe), r -> NOTHING_COUNTED).changes();
            assertThat(subscribed).containsExactly(new SubscriptionChanged(PHONE, SubscriptionStatus.UNSUBSCRIBE,
                    subscribed.get(0).at()));
        }
    }

    private static long at(List<IdentityChange> changes, int i) {
        return changes.get(i).at();
    }

    private static List<IdentityChange> upload(Transactions transactions, Account account, String record)
            throws Exception {
        UploadRequest request = UploadRequest.parse(account, records(record), Limits.defaults(), 1_700_000_000L);
        return transactions.write(account, false, BY,
                unit -> new UploadService(Limits.defaults()).upload(unit, request), r -> NOTHING_COUNTED)
                .changes();
    }

    private static List<JsonNode> records(String... records) throws Exception {
        return BatchRequest.records(JSON.readTree("{\"d\":[" + String.join(",", records) + "]}"), 1000);
    }
}
