package dev.tether.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server's webhook delivery reports: attempts by outcome, how long they took, endpoints being delivered to,
 * and the lag of the oldest message some endpoint still has to get (0 when none waits).
 */
final class WebhookMetrics {
    private final Counter delivered;
    private final Counter retrying;
    private final Counter failed;
    private final Timer duration;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong lagSeconds = new AtomicLong();

    WebhookMetrics(MeterRegistry registry) {
        delivered = attempts(registry, "delivered");
        retrying = attempts(registry, "retrying");
        failed = attempts(registry, "failed");
        duration = Timer.builder("tether.webhook.attempt.duration").description("Time of one delivery attempt")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("tether.webhook.senders.busy", busy, AtomicInteger::get)
                .description("Endpoints this server is delivering to now").register(registry);
        Gauge.builder("tether.webhook.oldest.undelivered.age", lagSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest message an endpoint has still to get").register(registry);
    }

    private static Counter attempts(MeterRegistry registry, String outcome) {
        return Counter.builder("tether.webhook.attempts").tag("outcome", outcome)
                .description("Delivery attempts by what came of them").register(registry);
    }

    void attempt(String outcome, Duration took) {
        duration.record(took);
        switch (outcome) {
            case DeliveryOutcome.DELIVERED -> delivered.increment();
            case DeliveryOutcome.RETRYING -> retrying.increment();
            default -> failed.increment();
        }
    }

    void senderStarted() {
        busy.incrementAndGet();
    }

    void senderDone() {
        busy.decrementAndGet();
    }

    void lag(long seconds) {
        lagSeconds.set(Math.max(0, seconds));
    }
}
