package dev.tether.store;

import java.util.Optional;

/**
 * One change of an account, as its audit trail keeps it: when, which request ({@code requestId}, also the answer's
 * {@code X-Request-Id}), who ({@code actor}: {@code passcode:<name>}, {@code console:<name>} or {@code cli}), what
 * ({@code action}: the method and path, or the command), its records processed and not, its Idempotency-Key, and
 * whether it was a replay of a stored answer (which wrote nothing else). {@code entryId}, time-ordered, orders
 * the entries of one second.
 */
public record AuditEntry(long at, String entryId, String requestId, String actor, String action, int processed,
                         int unprocessed, Optional<String> idempotencyKey, boolean replayed) {
}
