package dev.tether.store;

import dev.tether.account.Account;
import dev.tether.identity.IdentityKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What can be read inside one transaction. Every lookup takes a set of keys: one statement, not one per key. */
public interface ReadTx {
    Optional<Account> findAccount(String accountId);

    List<Account> listAccounts();

    /** The account and the hashes of its active passcodes, in one statement. */
    Optional<AccountCredentials> credentials(String accountId);

    /** The active bindings of the given keys, by key; keys nobody holds are absent. */
    Map<IdentityKey, ActiveBinding> activeBindings(String accountId, Collection<IdentityKey> keys);

    /** Every active binding held by the given profiles. */
    List<ActiveBinding> activeBindingsOf(String accountId, Collection<String> guids);

    /** The given profiles that exist, by GUID. In a write transaction they are locked until it ends. */
    Map<String, StoredProfile> findProfiles(String accountId, Collection<String> guids);

    /** Per event name: count, first and last time, for one profile. */
    Map<String, EventStats> eventStats(String accountId, String guid);

    /** Profiles merged into any of the given ones (one level of the merge tree). */
    List<String> profilesMergedInto(String accountId, Collection<String> guids);

    /** Every binding an identity value ever had, newest first. */
    List<HistoryEntry> history(String accountId, IdentityKey key);

    /** Checks every stored account against the invariants; at most {@code limit} violations of each are listed. */
    List<InvariantViolation> invariantViolations(int limit);
}
