package dev.tether.webhook;

/** What a server needs to deliver webhooks: the key that opens the endpoints' secrets, and how it delivers. */
public record WebhookConfig(SecretBox secrets, WebhookSettings settings) {
}
