package dev.tether.store;

/** A message of an account's outbox: its place in the account's commit order, its id, type and signed body. */
public record OutboxMessage(long seq, String messageId, String type, String body, long createdAt) {
}
