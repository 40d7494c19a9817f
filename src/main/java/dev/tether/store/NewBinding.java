package dev.tether.store;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import java.util.Optional;

/** A binding to insert; it may have ended already within the same transaction. */
public record NewBinding(String bindingId, IdentityKey key, String guid, long startedAt, BindingReason reason,
                         Optional<Long> endedAt, Optional<BindingReason> endReason) {
}
