package dev.tether.store;

/** Answers stored under Idempotency-Keys, written in the transaction of the write they answer. */
public interface IdempotencyWrites extends IdempotencyReads {
    /**
     * Takes the key for this transaction, before anything else is done with it: false when another transaction
     * holds it now (a request with the same key still in flight, on any server). Held until the transaction ends.
     */
    boolean claim(String accountId, String key);

    /**
     * Stores the answer under the key. A concurrent transaction that stored the same key first makes this one
     * fail as a conflict (the unique key), so it runs again and finds the stored answer.
     */
    void remember(String accountId, String key, StoredReply reply);

    /** Forgets a key of the account (an expired one, before it is used again). */
    void forget(String accountId, String key);

    /**
     * Deletes at most {@code limit} keys of any account stored before {@code before}; returns how many. One server
     * purges at a time: while another does, this one deletes nothing and answers 0.
     */
    int purge(long before, int limit);
}
