package dev.tether.store;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import java.util.Optional;

/**
 * One binding in the history of an identity value: who held it, from when, until when, why it started and ended, and
 * which request (and whose) started and ended it ({@link Stamp}: none for a binding older than the audit trail).
 */
public record HistoryEntry(Optional<String> guid, IdentityKey key, long from, Optional<Long> to,
                           BindingReason startReason, Optional<BindingReason> endReason, Optional<Stamp> started,
                           Optional<Stamp> ended) {
}
