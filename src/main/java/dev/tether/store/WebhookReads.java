package dev.tether.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Webhook endpoints, the outbox and the delivery attempts, as read. */
public interface WebhookReads {
    /** The account's endpoints, oldest first. */
    List<StoredEndpoint> endpoints(String accountId);

    Optional<StoredEndpoint> endpoint(String endpointId);

    /** At most {@code limit} messages of the account after {@code seq}, in seq order. */
    List<OutboxMessage> messagesAfter(String accountId, long seq, int limit);

    /** The newest attempts at the account's endpoints (or one of them), newest first. */
    List<DeliveryAttempt> attempts(String accountId, Optional<String> endpointId, int limit);

    /**
     * Whether some endpoint is due at {@code now} (epoch ms), with messages to get, not leased and not paused: what
     * a server reads before it takes a write transaction to lease one.
     */
    boolean anyDue(long now);

    /** When (epoch s) the oldest message that some endpoint still has to deliver was written, if any. */
    OptionalLong oldestUndelivered();
}
