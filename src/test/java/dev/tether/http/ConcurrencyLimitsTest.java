package dev.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.config.Limits;
import org.junit.jupiter.api.Test;

/** The counting itself, without timing: slots per account and per group, refused at the limit, given back. */
class ConcurrencyLimitsTest {
    private final ConcurrencyLimits limits = new ConcurrencyLimits(Limits.defaults().withConcurrency(2, 1));

    @Test
    void atItsLimit_anAccountIsRefused_othersAndOtherGroupsAreNot() {
        ConcurrencyLimits.Slot first = limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BATCH);
        ConcurrencyLimits.Slot second = limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BATCH);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BATCH))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.getMessage()).isEqualTo("Too many concurrent requests");
                });
        limits.acquire("BBB-BBB-BBBB", ConcurrencyLimits.Group.BATCH).close();
        ConcurrencyLimits.Slot bulk = limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BULK);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BULK))
                .isInstanceOf(ApiError.class);

        first.close();
        limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BATCH).close();
        second.close();
        bulk.close();
        limits.acquire("AAA-AAA-AAAA", ConcurrencyLimits.Group.BULK).close();
    }
}
