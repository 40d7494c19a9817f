package dev.tether.webhook;

/** The webhook key file is missing, unreadable, or not the key a secret was sealed with. */
public final class WebhookKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WebhookKeyException(String message) {
        super(message);
    }
}
