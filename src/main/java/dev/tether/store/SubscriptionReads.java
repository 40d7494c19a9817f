package dev.tether.store;

import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;
import java.util.Collection;
import java.util.Map;

/** Address-level subscription status, as read. */
public interface SubscriptionReads {
    /** The status of each of these addresses that has one, by address. */
    Map<IdentityKey, SubscriptionStatus> status(String accountId, Collection<IdentityKey> addresses);
}
