package dev.tether.store;

/** Answers stored under Idempotency-Keys, written in the transaction of the write they answer. */
public interface IdempotencyWrites extends IdempotencyReads {
    /**
     * Stores the answer under the key. A concurrent transaction that stored the same key first makes this one
     * fail as a conflict (the unique key), so it runs again and finds the stored answer.
     */
    void remember(String accountId, String key, StoredReply reply);

    /** Forgets a key of the account (an expired one, before it is used again). */
    void forget(String accountId, String key);

    /** Deletes at most {@code limit} keys of any account stored before {@code before}; returns how many. */
    int purge(long before, int limit);
}
