package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.access.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.AccountCredentials;
import dev.tether.store.ActiveBinding;
import dev.tether.store.HistoryEntry;
import dev.tether.store.MergeRecord;
import dev.tether.store.Stamp;
import dev.tether.store.RowLock;
import dev.tether.store.NewEvent;
import dev.tether.store.NewBinding;
import dev.tether.store.StorageException;
import dev.tether.store.Store;
import dev.tether.store.StoredProfile;
import dev.tether.store.Stores;
import dev.tether.testing.Backend;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The store SPI itself: what every backend must do, below the services. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
    private static final Stamp STAMP = new Stamp("request-1", "cli");
    private static final Optional<Stamp> STAMPED = Optional.of(STAMP);
    private Store store;
    private String account;

    protected abstract Backend backend();

    @BeforeAll
    void open() {
        store = Stores.open(backend().newDatabaseUrl(), 4);
    }

    @AfterAll
    void close() {
        store.close();
    }

    @BeforeEach
    void newAccount() {
        account = new AccountService(store, Clock.systemUTC()).create(
                new AccountService.NewAccount("store", "local", true, true, ConflictPolicy.REJECT)).account().id();
    }

    private void profiles(String... guids) {
        store.write(tx -> {
            tx.profiles().insert(account, java.util.Arrays.stream(guids)
                    .map(g -> StoredProfile.created(g, "{}", 1L)).toList());
            return null;
        });
    }

    private static NewBinding binding(String id, IdentityKey key, String guid) {
        return new NewBinding(id, key, guid, 1L, BindingReason.UPLOADED, Optional.empty(), Optional.empty());
    }

    @Test
    void secondActiveBindingOfAKey_isRefusedByTheDatabase() {
        profiles("g1", "g2");
        IdentityKey key = IdentityKey.phone("+15551230020");
        store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b1", key, "g1")), STAMPED);
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b2", key, "g2")), STAMPED);
            return null;
        })).isInstanceOf(StorageException.class);
        assertThat(store.read(tx -> tx.bindings().active(account, List.of(key))).get(key).guid()).isEqualTo("g1");
    }

    @Test
    void endedBinding_freesTheKey_andStaysInHistory() {
        profiles("g1", "g2");
        IdentityKey key = IdentityKey.phone("+15551230021");
        store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b1", key, "g1")), STAMPED);
            return null;
        });
        Stamp cutBy = new Stamp("request-2", "passcode:support");
        store.write(tx -> {
            tx.bindings().endActive(account, List.of(key), 5L, BindingReason.DISASSOCIATED, Optional.of(cutBy));
            tx.bindings().insert(account, List.of(binding("b2", key, "g2")), Optional.empty());
            return null;
        });
        var history = store.read(tx -> tx.bindings().history(account, key));
        assertThat(history).extracting(h -> h.guid().orElseThrow()).containsExactly("g2", "g1");
        assertThat(history.get(1).endReason()).contains(BindingReason.DISASSOCIATED);
        assertThat(history.get(1).to()).contains(5L);
        assertThat(history.get(1).started()).as("who started it").contains(STAMP);
        assertThat(history.get(1).ended()).as("who ended it").contains(cutBy);
        assertThat(history.get(0).started()).as("a write that names no request").isEmpty();
        assertThat(history.get(0).ended()).isEmpty();
    }

    @Test
    void endActiveBindings_endsTheNamedIdentitiesOnly_neverBeforeTheyStarted() {
        profiles("g1", "g2", "g3");
        IdentityKey cut = IdentityKey.phone("+15551230030");
        IdentityKey kept = IdentityKey.phone("+15551230031");
        IdentityKey sameValueOtherKind = new IdentityKey(IdentityKind.IDENTITY, "+15551230030");
        IdentityKey cutEarly = IdentityKey.phone("+15551230032");
        store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b1", cut, "g1"), binding("b2", kept, "g2"),
                    binding("b3", sameValueOtherKind, "g3"), binding("b4", cutEarly, "g3")), STAMPED);
            tx.bindings().insert("OTH-ERA-CCNT", List.of(binding("b1", cut, "g9")), STAMPED);
            return null;
        });
        store.write(tx -> {
            tx.bindings().endActive(account, List.of(cut), 5L, BindingReason.DISASSOCIATED, STAMPED);
            tx.bindings().endActive(account, List.of(cutEarly), 0L, BindingReason.DISASSOCIATED, STAMPED);
            return null;
        });
        Map<IdentityKey, ActiveBinding> active = store.read(tx -> tx.bindings().active(account,
                List.of(cut, kept, sameValueOtherKind, cutEarly)));
        assertThat(active).containsOnlyKeys(kept, sameValueOtherKind);
        Map<IdentityKey, ActiveBinding> otherAccount = store.read(tx -> tx.bindings().active("OTH-ERA-CCNT",
                List.of(cut)));
        assertThat(otherAccount).as("the same number in another account").containsOnlyKeys(cut);
        HistoryEntry ended = store.read(tx -> tx.bindings().history(account, cut)).get(0);
        assertThat(ended.endReason()).contains(BindingReason.DISASSOCIATED);
        assertThat(ended.to()).contains(5L);
        assertThat(store.read(tx -> tx.bindings().history(account, cutEarly)).get(0).to()).as("clamped to its start").contains(1L);
        assertThatThrownBy(() -> store.change(tx -> tx.bindings().endActive(account,
                List.of(kept, IdentityKey.phone("+15551230039")), 6L, BindingReason.DISASSOCIATED, STAMPED)))
                .as("a key that is not bound any more: what the caller read has changed").isInstanceOf(StorageException.class);
        Map<IdentityKey, ActiveBinding> stillActive = store.read(tx -> tx.bindings().active(account, List.of(kept)));
        assertThat(stillActive).as("nothing ended").containsOnlyKeys(kept);
    }

    @Test
    void setLookups_returnOnlyActiveBindingsOfTheAskedKeys_andOnlyThisAccounts() {
        profiles("g1", "g2");
        IdentityKey phone = IdentityKey.phone("+15551230022");
        IdentityKey email = new IdentityKey(IdentityKind.EMAIL, "a@example.com");
        IdentityKey sameValueOtherKind = new IdentityKey(IdentityKind.IDENTITY, "+15551230022");
        store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b1", phone, "g1"), binding("b2", email, "g2")), STAMPED);
            return null;
        });
        Map<IdentityKey, ActiveBinding> found = store.read(tx -> tx.bindings().active(account,
                List.of(phone, email, sameValueOtherKind)));
        assertThat(found).containsOnlyKeys(phone, email);
        List<ActiveBinding> ofG1 = store.read(tx -> tx.bindings().activeOf(account, List.of("g1")));
        assertThat(ofG1).extracting(ActiveBinding::key).containsExactly(phone);
        Map<IdentityKey, ActiveBinding> otherAccount = store.read(tx -> tx.bindings().active("OTH-ERA-CCNT",
                List.of(phone)));
        assertThat(otherAccount).isEmpty();
    }

    @Test
    void removeProperty_isSetBased_andLeavesTheRest() {
        store.write(tx -> {
            tx.profiles().insert(account, List.of(StoredProfile.created("g1", "{\"Phone\":\"+1\",\"Name\":\"A\"}", 1L),
                    StoredProfile.created("g2", "{\"Phone\":\"+2\"}", 1L)));
            tx.profiles().removeProperty(account, List.of("g1", "g2"), "Phone", 2L);
            return null;
        });
        Map<String, StoredProfile> found = store.read(tx -> tx.profiles().find(account, List.of("g1", "g2", "g3"), RowLock.NONE));
        assertThat(found).containsOnlyKeys("g1", "g2");
        assertThat(found.get("g1").propertiesJson()).doesNotContain("Phone").contains("Name");
        assertThat(found.get("g2").propertiesJson()).doesNotContain("Phone");
    }

    @Test
    void failedTransaction_leavesNothingBehind() {
        assertThatThrownBy(() -> store.write(tx -> {
            tx.profiles().insert(account, List.of(StoredProfile.created("g9", "{}", 1L)));
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        Map<String, StoredProfile> found = store.read(tx -> tx.profiles().find(account, List.of("g9"), RowLock.NONE));
        assertThat(found).isEmpty();
    }

    @Test
    void secondActiveBindingOfOneKindOnAProfile_isRefusedByTheDatabase() {
        profiles("g1");
        store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b1", IdentityKey.phone("+15551230040"), "g1")), STAMPED);
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.bindings().insert(account, List.of(binding("b2", IdentityKey.phone("+15551230041"), "g1")), STAMPED);
            return null;
        })).isInstanceOf(StorageException.class);
        List<ActiveBinding> held = store.read(tx -> tx.bindings().activeOf(account, List.of("g1")));
        assertThat(held).extracting(b -> b.key().value()).containsExactly("+15551230040");
    }

    @Test
    void merge_repointsEveryProfileMergedIntoTheLoser_andKeepsARecordOfWhatItCopied() {
        profiles("s", "l", "c");
        store.write(tx -> {
            tx.profiles().merge(account, new MergeRecord("c", "l", 3L, List.of()));
            tx.profiles().merge(account, new MergeRecord("l", "s", 4L, List.of("Plan", "Score")));
            return null;
        });
        Map<String, StoredProfile> found = store.read(tx -> tx.profiles().find(account, List.of("s", "l", "c"), RowLock.NONE));
        assertThat(found.get("l").mergedInto()).contains("s");
        assertThat(found.get("c").mergedInto()).as("no chains").contains("s");
        List<String> mergedIntoS = store.read(tx -> tx.profiles().mergedInto(account, List.of("s"), RowLock.NONE));
        assertThat(mergedIntoS).containsExactly("c", "l");
        List<MergeRecord> merges = store.read(tx -> tx.profiles().mergesInto(account, List.of("s", "l")));
        assertThat(merges).containsExactly(
                new MergeRecord("c", "l", 3L, List.of()), new MergeRecord("l", "s", 4L, List.of("Plan", "Score")));
    }

    @Test
    void movedEvents_keepTheGuidTheyArrivedUnder() throws Exception {
        profiles("s", "l");
        store.write(tx -> {
            tx.events().insert(account, List.of(new NewEvent("e1", "l", "l", "Charged", 10L, "{}"),
                    new NewEvent("e2", "s", "s", "Charged", 11L, "{}")));
            tx.events().move(account, "l", "s");
            return null;
        });
        assertThat(store.read(tx -> tx.events().stats(account, "s")).get("Charged").count()).isEqualTo(2);
        assertThat(store.inspection().rows("SELECT event_id, COALESCE(arrived_as, guid) FROM events"
                + " WHERE account_id = '" + account + "' ORDER BY event_id"))
                .containsExactly(List.of("e1", "l"), List.of("e2", "s"));
    }

    @Test
    void accountUpdate_changesSettings_andIdentityKindsOnlyBeforeTheFirstProfile() {
        AccountService accounts = new AccountService(store, Clock.systemUTC());
        String id = accounts.create(new AccountService.NewAccount("kinds", "local", false, false,
                ConflictPolicy.REJECT)).account().id();
        AccountService.Settings phoneOn = new AccountService.Settings(Optional.empty(), Optional.empty(),
                Optional.of(true), Optional.of(ConflictPolicy.MERGE));
        assertThat(accounts.update(id, phoneOn)).satisfies(a -> {
            assertThat(a.phoneIsIdentity()).isTrue();
            assertThat(a.emailIsIdentity()).as("not named, so unchanged").isFalse();
            assertThat(a.conflictPolicy()).isEqualTo(ConflictPolicy.MERGE);
        });
        store.change(tx -> tx.profiles().insert(id, List.of(StoredProfile.created("g1", "{\"Email\":\"x\"}", 1L))));
        AccountService.Settings emailOn = new AccountService.Settings(Optional.empty(), Optional.of(true),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> accounts.update(id, emailOn)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the first profile");
        AccountService.Settings phoneOff = new AccountService.Settings(Optional.empty(), Optional.empty(),
                Optional.of(false), Optional.empty());
        assertThatThrownBy(() -> accounts.update(id, phoneOff)).isInstanceOf(IllegalArgumentException.class);
        AccountService.Settings renamed = new AccountService.Settings(Optional.of("renamed"), Optional.of(false),
                Optional.of(true), Optional.of(ConflictPolicy.TRANSFER));
        assertThat(accounts.update(id, renamed).conflictPolicy()).as("kinds named as they are change nothing")
                .isEqualTo(ConflictPolicy.TRANSFER);
        assertThat(accounts.find(id).orElseThrow()).satisfies(a -> {
            assertThat(a.emailIsIdentity()).isFalse();
            assertThat(a.phoneIsIdentity()).isTrue();
            assertThat(a.name()).isEqualTo("renamed");
        });
    }

    @Test
    void passcodes_areStoredHashed_andRevocable() {
        AccountService accounts = new AccountService(store, Clock.systemUTC());
        String passcode = accounts.addPasscode(account);
        List<String> hashes = store.read(tx -> tx.accounts().credentials(account)).orElseThrow().passcodes().stream()
                .map(AccountCredentials.Credential::passcodeHash).toList();
        assertThat(hashes).hasSize(2).doesNotContain(passcode);
        assertThat(accounts.revokePasscode(account, passcode)).isTrue();
        assertThat(accounts.revokePasscode(account, passcode)).isFalse();
        List<AccountCredentials.Credential> remaining = store.read(tx -> tx.accounts().credentials(account)).orElseThrow().passcodes();
        assertThat(remaining).hasSize(1);
        assertThat(accounts.passcodes(account)).hasSize(2)
                .allSatisfy(entry -> assertThat(entry.hint()).matches("[A-Z0-9]{6}"))
                .filteredOn(entry -> entry.revokedAt().isPresent()).singleElement()
                .satisfies(revoked -> assertThat(revoked.hint()).isEqualTo(passcode.substring(0, 6)));
    }
}
