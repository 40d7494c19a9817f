package dev.tether.webhook;

import java.time.Duration;
import java.util.List;

/**
 * How a server delivers webhook messages.
 *
 * @param retries the pauses before each retry of a message that was not delivered; after the last one fails the
 *                message is given up ({@code failed}) and the endpoint goes on with the next
 * @param timeout how long an attempt waits for the endpoint's answer (a 2xx within it is delivered)
 * @param lease how long a server holds an endpoint it delivers for without renewing it; a server that stops
 *              without giving its leases up (kill -9) holds them this long. Longer than an attempt can take.
 * @param poll how often a server looks for messages that other servers committed (its own commits wake it)
 * @param senders endpoints delivered to at once by one server; a slow endpoint holds one of them only
 * @param retention how long delivered messages and attempts are kept
 */
public record WebhookSettings(List<Duration> retries, Duration timeout, Duration lease, Duration poll, int senders,
                              Duration retention) {
    /** About 5 s, 5 min, 30 min, 2 h, 5 h and 10 h: a message is given up after about 18 hours. */
    public static final List<Duration> RETRIES = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10));

    public WebhookSettings {
        retries = List.copyOf(retries);
        if (lease.compareTo(timeout.plusSeconds(5)) < 0) {
            throw new IllegalArgumentException("the webhook lease (" + lease.toSeconds() + " s) must be at least"
                    + " 5 s longer than the delivery timeout (" + timeout.toSeconds() + " s)");
        }
        if (senders < 1) {
            throw new IllegalArgumentException("webhook senders must be at least 1");
        }
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(RETRIES, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(1),
                16, Duration.ofDays(7));
    }

    public WebhookSettings withRetries(List<Duration> pauses) {
        return new WebhookSettings(pauses, timeout, lease, poll, senders, retention);
    }

    public WebhookSettings withLease(Duration newLease) {
        return new WebhookSettings(retries, timeout, newLease, poll, senders, retention);
    }

    public WebhookSettings withPoll(Duration newPoll) {
        return new WebhookSettings(retries, timeout, lease, newPoll, senders, retention);
    }

    public WebhookSettings withTimeout(Duration newTimeout, Duration newLease) {
        return new WebhookSettings(retries, newTimeout, newLease, poll, senders, retention);
    }

    public WebhookSettings withSenders(int count) {
        return new WebhookSettings(retries, timeout, lease, poll, count, retention);
    }

    public WebhookSettings withRetention(Duration kept) {
        return new WebhookSettings(retries, timeout, lease, poll, senders, kept);
    }
}
