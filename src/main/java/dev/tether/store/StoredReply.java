package dev.tether.store;

/** The answer stored under an Idempotency-Key: the hash of the request it answered, its status and body, and when. */
public record StoredReply(String requestHash, int status, String body, long createdAt) {
}
