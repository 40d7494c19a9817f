package dev.tether.store;

import java.util.Optional;

/** Answers stored under Idempotency-Keys, as read. */
public interface IdempotencyReads {
    /** The answer stored under this key of the account, if any (expired or not). In a write it is locked. */
    Optional<StoredReply> find(String accountId, String key);
}
