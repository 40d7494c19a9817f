package dev.tether.store;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import java.util.Optional;

/** One binding in the history of an identity value: who held it, from when, until when, and why it ended. */
public record HistoryEntry(Optional<String> guid, IdentityKey key, long from, Optional<Long> to,
                           BindingReason startReason, Optional<BindingReason> endReason) {
}
