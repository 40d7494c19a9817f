package dev.tether.work;

/** An Idempotency-Key came again with another request than the one it was first used with (HTTP 409). */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException() {
        super("Idempotency-Key was used with a different request");
    }
}
