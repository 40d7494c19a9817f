package dev.tether.core;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.NewBinding;
import java.util.Optional;

/** A binding as the unit of work sees it: stored already, or started by it; possibly ended by it. */
final class BindingState {
    final String id;
    final IdentityKey key;
    final String guid;
    final long startedAt;
    final BindingReason startReason;
    final boolean stored;
    private Optional<Long> endedAt = Optional.empty();
    private Optional<BindingReason> endReason = Optional.empty();

    BindingState(String id, IdentityKey key, String guid, long startedAt, BindingReason startReason, boolean stored) {
        this.id = id;
        this.key = key;
        this.guid = guid;
        this.startedAt = startedAt;
        this.startReason = startReason;
        this.stored = stored;
    }

    void end(long at, BindingReason reason) {
        endedAt = Optional.of(at);
        endReason = Optional.of(reason);
    }

    /** The reason a stored binding was ended by this unit of work, if it was. */
    Optional<BindingReason> storedEnding() {
        return stored ? endReason : Optional.empty();
    }

    Optional<NewBinding> asNew() {
        return stored ? Optional.empty() : Optional.of(new NewBinding(id, key, guid, startedAt, startReason,
                endedAt, endReason));
    }
}
