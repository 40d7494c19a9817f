package dev.tether.core;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.NewBinding;
import java.util.Optional;

/**
 * A binding as the unit of work sees it: stored already (its start is in the store and not read), or started by
 * it with a reason; possibly ended by it.
 */
final class BindingState {
    final String id;
    final IdentityKey key;
    final String guid;
    final long startedAt;
    /** Empty for a stored binding. */
    private final Optional<BindingReason> startReason;
    final boolean stored;
    private Optional<Long> endedAt = Optional.empty();
    private Optional<BindingReason> endReason = Optional.empty();

    private BindingState(String id, IdentityKey key, String guid, long startedAt,
                         Optional<BindingReason> startReason) {
        this.id = id;
        this.key = key;
        this.guid = guid;
        this.startedAt = startedAt;
        this.startReason = startReason;
        this.stored = startReason.isEmpty();
    }

    static BindingState stored(String id, IdentityKey key, String guid, long startedAt) {
        return new BindingState(id, key, guid, startedAt, Optional.empty());
    }

    static BindingState started(String id, IdentityKey key, String guid, long at, BindingReason reason) {
        return new BindingState(id, key, guid, at, Optional.of(reason));
    }

    void end(long at, BindingReason reason) {
        endedAt = Optional.of(at);
        endReason = Optional.of(reason);
    }

    /** How and when a stored binding was ended by this unit of work, if it was. */
    Optional<Ending> storedEnding() {
        return stored ? endReason.map(reason -> new Ending(reason, endedAt.orElseThrow())) : Optional.empty();
    }

    /** The end of a binding: why and when. */
    record Ending(BindingReason reason, long at) {
    }

    Optional<NewBinding> asNew() {
        return startReason.map(reason -> new NewBinding(id, key, guid, startedAt, reason, endedAt, endReason));
    }
}
