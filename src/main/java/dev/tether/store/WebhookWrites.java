package dev.tether.store;

import java.util.List;

/**
 * Webhook endpoints, the outbox and the delivery state. Delivery state changes only under the endpoint's lease:
 * each takes the owner that holds it, and changes nothing (answers false) when another owner has it now.
 */
public interface WebhookWrites extends WebhookReads {
    /**
     * Adds an endpoint that starts after the account's last message; its deliveredSeq is ignored. Takes the
     * account's sequence row, so no message is numbered before the endpoint while it is added.
     */
    StoredEndpoint addEndpoint(StoredEndpoint endpoint);

    boolean removeEndpoint(String accountId, String endpointId);

    /**
     * Appends messages to the account's outbox, numbered after its last one. The account's sequence row is taken
     * last in the transaction and held to its commit, so numbers follow the order of the commits.
     */
    void append(String accountId, List<NewMessage> messages, long createdAt);

    /**
     * Leases at most {@code limit} endpoints that have messages to deliver and are due at {@code now} (epoch ms)
     * and not leased by anyone, to {@code owner} until {@code until}; skips the ones another transaction is
     * leasing now.
     */
    List<StoredEndpoint> lease(String owner, long now, long until, int limit);

    /**
     * Records attempts at one endpoint and moves it on: its cursor, failed attempts at the next message, when to
     * try next, and its lease renewed to {@code leaseUntil}.
     */
    boolean recordAttempts(String endpointId, List<DeliveryAttempt> attempts, String owner, long deliveredSeq,
                           int failedAttempts, long nextAttemptAt, long leaseUntil);

    /** Pauses an endpoint: nothing is sent to it until it is resumed (a paused one stays paused since then). */
    boolean pause(String accountId, String endpointId, long at);

    /** Resumes an endpoint, and makes its next message due now (a message waiting for its next retry too). */
    boolean resume(String accountId, String endpointId);

    /** Gives the lease up. */
    void release(String endpointId, String owner);

    /** Gives up every lease of this server: every owner named {@code <server>/<lease number>}. */
    void releaseAll(String server);

    /**
     * Deletes at most {@code limit} messages written before {@code before} (epoch s) that every endpoint of their
     * account is past, and as many attempts made before {@code attemptsBefore} (epoch ms); returns how many rows.
     */
    int prune(long before, long attemptsBefore, int limit);
}
