package dev.tether.store;

/**
 * A message written to the outbox; it gets its number in the account's commit order when it is written. The payload
 * is the webhook layer's own compact text: one line, without tabs.
 */
public record NewMessage(String messageId, String type, String payload) {
}
