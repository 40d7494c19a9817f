package dev.tether.work;

/** A request with the same Idempotency-Key is still in flight (HTTP 409): retry once it has answered. */
public final class IdempotencyKeyInFlightException extends RuntimeException {
    public IdempotencyKeyInFlightException() {
        super("Idempotency-Key is in use by a request still in flight; retry it once that one has answered");
    }
}
