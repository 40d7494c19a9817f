package dev.tether.webhook;

/** What followed an attempt, as attempts are stored and shown. */
final class DeliveryOutcome {
    static final String DELIVERED = "delivered";
    static final String RETRYING = "retrying";
    static final String FAILED = "failed";

    private DeliveryOutcome() {
    }
}
