package dev.tether.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.account.AccountService;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.ActiveBinding;
import dev.tether.store.EndedBinding;
import dev.tether.store.HistoryEntry;
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
            tx.insertProfiles(account, java.util.Arrays.stream(guids)
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
            tx.insertBindings(account, List.of(binding("b1", key, "g1")));
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertBindings(account, List.of(binding("b2", key, "g2")));
            return null;
        })).isInstanceOf(StorageException.class);
        assertThat(store.read(tx -> tx.activeBindings(account, List.of(key))).get(key).guid()).isEqualTo("g1");
    }

    @Test
    void endedBinding_freesTheKey_andStaysInHistory() {
        profiles("g1", "g2");
        IdentityKey key = IdentityKey.phone("+15551230021");
        store.write(tx -> {
            tx.insertBindings(account, List.of(binding("b1", key, "g1")));
            return null;
        });
        store.write(tx -> {
            tx.endBindings(account, List.of(new EndedBinding("b1", 5L, BindingReason.DISASSOCIATED)));
            tx.insertBindings(account, List.of(binding("b2", key, "g2")));
            return null;
        });
        var history = store.read(tx -> tx.history(account, key));
        assertThat(history).extracting(h -> h.guid().orElseThrow()).containsExactly("g2", "g1");
        assertThat(history.get(1).endReason()).contains(BindingReason.DISASSOCIATED);
        assertThat(history.get(1).to()).contains(5L);
    }

    @Test
    void endActiveBindings_endsTheNamedIdentitiesOnly_neverBeforeTheyStarted() {
        profiles("g1", "g2", "g3");
        IdentityKey cut = IdentityKey.phone("+15551230030");
        IdentityKey kept = IdentityKey.phone("+15551230031");
        IdentityKey sameValueOtherKind = new IdentityKey(IdentityKind.IDENTITY, "+15551230030");
        IdentityKey cutEarly = IdentityKey.phone("+15551230032");
        store.write(tx -> {
            tx.insertBindings(account, List.of(binding("b1", cut, "g1"), binding("b2", kept, "g2"),
                    binding("b3", sameValueOtherKind, "g3"), binding("b4", cutEarly, "g2")));
            tx.insertBindings("OTH-ERA-CCNT", List.of(binding("b1", cut, "g9")));
            return null;
        });
        store.write(tx -> {
            tx.endActiveBindings(account, List.of(cut, IdentityKey.phone("+15551230039")), 5L,
                    BindingReason.DISASSOCIATED);
            tx.endActiveBindings(account, List.of(cutEarly), 0L, BindingReason.DISASSOCIATED);
            return null;
        });
        Map<IdentityKey, ActiveBinding> active = store.read(tx -> tx.activeBindings(account,
                List.of(cut, kept, sameValueOtherKind, cutEarly)));
        assertThat(active).containsOnlyKeys(kept, sameValueOtherKind);
        Map<IdentityKey, ActiveBinding> otherAccount = store.read(tx -> tx.activeBindings("OTH-ERA-CCNT",
                List.of(cut)));
        assertThat(otherAccount).as("the same number in another account").containsOnlyKeys(cut);
        HistoryEntry ended = store.read(tx -> tx.history(account, cut)).get(0);
        assertThat(ended.endReason()).contains(BindingReason.DISASSOCIATED);
        assertThat(ended.to()).contains(5L);
        assertThat(store.read(tx -> tx.history(account, cutEarly)).get(0).to()).as("clamped to its start").contains(1L);
    }

    @Test
    void setLookups_returnOnlyActiveBindingsOfTheAskedKeys_andOnlyThisAccounts() {
        profiles("g1", "g2");
        IdentityKey phone = IdentityKey.phone("+15551230022");
        IdentityKey email = new IdentityKey(IdentityKind.EMAIL, "a@example.com");
        IdentityKey sameValueOtherKind = new IdentityKey(IdentityKind.IDENTITY, "+15551230022");
        store.write(tx -> {
            tx.insertBindings(account, List.of(binding("b1", phone, "g1"), binding("b2", email, "g2")));
            return null;
        });
        Map<IdentityKey, ActiveBinding> found = store.read(tx -> tx.activeBindings(account,
                List.of(phone, email, sameValueOtherKind)));
        assertThat(found).containsOnlyKeys(phone, email);
        List<ActiveBinding> ofG1 = store.read(tx -> tx.activeBindingsOf(account, List.of("g1")));
        assertThat(ofG1).extracting(ActiveBinding::key).containsExactly(phone);
        Map<IdentityKey, ActiveBinding> otherAccount = store.read(tx -> tx.activeBindings("OTH-ERA-CCNT",
                List.of(phone)));
        assertThat(otherAccount).isEmpty();
    }

    @Test
    void removeProperty_isSetBased_andLeavesTheRest() {
        store.write(tx -> {
            tx.insertProfiles(account, List.of(StoredProfile.created("g1", "{\"Phone\":\"+1\",\"Name\":\"A\"}", 1L),
                    StoredProfile.created("g2", "{\"Phone\":\"+2\"}", 1L)));
            tx.removeProperty(account, List.of("g1", "g2"), "Phone", 2L);
            return null;
        });
        Map<String, StoredProfile> found = store.read(tx -> tx.findProfiles(account, List.of("g1", "g2", "g3")));
        assertThat(found).containsOnlyKeys("g1", "g2");
        assertThat(found.get("g1").propertiesJson()).doesNotContain("Phone").contains("Name");
        assertThat(found.get("g2").propertiesJson()).doesNotContain("Phone");
    }

    @Test
    void failedTransaction_leavesNothingBehind() {
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertProfiles(account, List.of(StoredProfile.created("g9", "{}", 1L)));
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        Map<String, StoredProfile> found = store.read(tx -> tx.findProfiles(account, List.of("g9")));
        assertThat(found).isEmpty();
    }

    @Test
    void passcodes_areStoredHashed_andRevocable() {
        AccountService accounts = new AccountService(store, Clock.systemUTC());
        String passcode = accounts.addPasscode(account);
        List<String> hashes = store.read(tx -> tx.credentials(account)).orElseThrow().passcodeHashes();
        assertThat(hashes).hasSize(2).doesNotContain(passcode);
        assertThat(accounts.revokePasscode(account, passcode)).isTrue();
        assertThat(accounts.revokePasscode(account, passcode)).isFalse();
        List<String> remaining = store.read(tx -> tx.credentials(account)).orElseThrow().passcodeHashes();
        assertThat(remaining).hasSize(1);
    }
}
