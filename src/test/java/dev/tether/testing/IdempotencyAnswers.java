package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What requests sent with one Idempotency-Key at the same moment must answer, on any number of servers. */
public final class IdempotencyAnswers {
    private IdempotencyAnswers() {
    }

    /**
     * Requests with one key at once: one was applied (200, not replayed); each other answered its answer again
     * (200, replayed, the same body) or was refused while it was in flight (409).
     */
    public static void assertAppliedOnce(List<ApiResponse> sameKey) {
        List<ApiResponse> applied = sameKey.stream().filter(a -> a.status() == 200
                && a.header("Idempotent-Replayed").isEmpty()).toList();
        assertThat(applied).as(sameKey.toString()).hasSize(1);
        for (ApiResponse other : sameKey) {
            if (other != applied.get(0)) {
                if (other.status() == 200) {
                    assertThat(other.header("Idempotent-Replayed")).contains("true");
                    assertThat(other.body()).isEqualTo(applied.get(0).body());
                } else {
                    assertThat(other.status()).as(other.body()).isEqualTo(409);
                    assertThat(other.header("Retry-After")).contains("1");
                    assertThat(other.json().get("error").asText()).startsWith("Idempotency-Key is in use");
                }
            }
        }
    }

}
