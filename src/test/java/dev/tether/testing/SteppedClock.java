package dev.tether.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that stands still until the test moves it: time in a test comes from here, not from sleeping. */
public final class SteppedClock extends Clock {
    private final AtomicReference<Instant> now;

    public SteppedClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration step) {
        now.updateAndGet(instant -> instant.plus(step));
    }

    /** Moves the clock forward to this instant; a clock is never moved back. */
    public void moveTo(Instant instant) {
        now.updateAndGet(current -> {
            if (instant.isBefore(current)) {
                throw new IllegalArgumentException("the clock is at " + current + ", later than " + instant);
            }
            return instant;
        });
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
