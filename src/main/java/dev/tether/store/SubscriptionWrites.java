package dev.tether.store;

import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;
import java.util.Map;

/** Address-level subscription status, written. Only the identity core calls this. */
public interface SubscriptionWrites extends SubscriptionReads {
    /** Sets the status of each address at one time: inserted, or replacing the one it had. */
    void set(String accountId, Map<IdentityKey, SubscriptionStatus> statuses, long at);
}
