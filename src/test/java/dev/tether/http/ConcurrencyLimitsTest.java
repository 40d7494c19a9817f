package dev.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.config.Limits;
import dev.tether.http.ConcurrencyLimits.Api;
import org.junit.jupiter.api.Test;

/** The counting itself, without timing: slots per account and per API, refused at the limit, given back. */
class ConcurrencyLimitsTest {
    private final ConcurrencyLimits limits = new ConcurrencyLimits(Limits.defaults().withConcurrency(2, 1));

    @Test
    void atItsLimit_anAccountIsRefused_othersAndOtherApisAreNot() {
        ConcurrencyLimits.Slot first = limits.acquire("AAA-AAA-AAAA", Api.UPLOAD);
        ConcurrencyLimits.Slot second = limits.acquire("AAA-AAA-AAAA", Api.UPLOAD);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", Api.UPLOAD))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.getMessage()).isEqualTo("Too many concurrent requests");
                });
        limits.acquire("BBB-BBB-BBBB", Api.UPLOAD).close();
        ConcurrencyLimits.Slot bulk = limits.acquire("AAA-AAA-AAAA", Api.DELETE);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", Api.DELETE))
                .isInstanceOf(ApiError.class);

        first.close();
        limits.acquire("AAA-AAA-AAAA", Api.UPLOAD).close();
        second.close();
        bulk.close();
        limits.acquire("AAA-AAA-AAAA", Api.DELETE).close();
    }

    @Test
    void eachApiHasItsOwnCount_uploadsAtTheirLimitLeaveDisassociateAndSubscribeTheirs() {
        limits.acquire("AAA-AAA-AAAA", Api.UPLOAD);
        limits.acquire("AAA-AAA-AAAA", Api.UPLOAD);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", Api.UPLOAD)).isInstanceOf(ApiError.class);
        limits.acquire("AAA-AAA-AAAA", Api.DISASSOCIATE);
        limits.acquire("AAA-AAA-AAAA", Api.DISASSOCIATE);
        limits.acquire("AAA-AAA-AAAA", Api.SUBSCRIBE);
        limits.acquire("AAA-AAA-AAAA", Api.DEMERGE);
        limits.acquire("AAA-AAA-AAAA", Api.EVENTS_EXPORT);
        limits.acquire("AAA-AAA-AAAA", Api.PROFILES_EXPORT);
        limits.acquire("AAA-AAA-AAAA", Api.COUNTS);
        assertThatThrownBy(() -> limits.acquire("AAA-AAA-AAAA", Api.COUNTS)).isInstanceOf(ApiError.class);
    }
}
