package dev.tether.store;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One attempt to deliver a message to an endpoint: when (epoch ms), how long it took, the HTTP status if an answer
 * came, the error otherwise (or the answer's start when it was not 2xx), and what followed: {@code delivered},
 * {@code retrying} or {@code failed} (given up).
 */
public record DeliveryAttempt(String endpointId, long seq, int attempt, String messageId, String type,
                              long attemptedAt, long durationMs, OptionalInt httpStatus, Optional<String> error,
                              String outcome) {
}
