package dev.tether.store;

import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A live profile with everything its record shows: its active identities (oldest first), the counts of its events by
 * name, and the subscription status of the addresses it shows. {@code addresses} are the phone and email values the
 * status was read for (its Phone and Email bindings and properties); a status is absent when the address has none.
 */
public record ProfileView(StoredProfile profile, List<ActiveBinding> identities, Map<String, EventStats> events,
                          Set<IdentityKey> addresses, Map<IdentityKey, SubscriptionStatus> subscriptions) {
    /** The status of an address, when it was read with the profile: empty if it was not read. */
    public Optional<Optional<SubscriptionStatus>> subscription(IdentityKey address) {
        return addresses.contains(address) ? Optional.of(Optional.ofNullable(subscriptions.get(address)))
                : Optional.empty();
    }
}
