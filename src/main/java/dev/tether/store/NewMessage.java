package dev.tether.store;

/** A message written to the outbox; it gets its number in the account's commit order when it is written. */
public record NewMessage(String messageId, String type, String body) {
}
