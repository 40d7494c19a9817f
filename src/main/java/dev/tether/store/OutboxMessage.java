package dev.tether.store;

/**
 * A message of an account's outbox: its place in the account's commit order, its id and type, and its payload (what
 * the webhook layer wrote; one line, no tab or newline), as stored.
 */
public record OutboxMessage(long seq, String messageId, String type, String payload, long createdAt) {
}
