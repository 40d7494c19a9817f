package dev.tether.work;

/**
 * An {@code Idempotency-Key} as a request sent it, with the hash of the request (method, path, body): a retry must
 * send the same request again under the same key.
 */
public record IdempotencyKey(String value, String requestHash) {
}
