package dev.tether.upload;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.EndedBinding;
import dev.tether.store.NewBinding;
import java.util.Optional;

/** A binding as the batch sees it: stored already, or started by the batch; possibly ended by it. */
final class BindingState {
    final String id;
    final IdentityKey key;
    final String guid;
    final long startedAt;
    final BindingReason startReason;
    final boolean stored;
    private Long endedAt;
    private BindingReason endReason;

    BindingState(String id, IdentityKey key, String guid, long startedAt, BindingReason startReason, boolean stored) {
        this.id = id;
        this.key = key;
        this.guid = guid;
        this.startedAt = startedAt;
        this.startReason = startReason;
        this.stored = stored;
    }

    void end(long at, BindingReason reason) {
        endedAt = at;
        endReason = reason;
    }

    boolean ended() {
        return endedAt != null;
    }

    Optional<EndedBinding> asEnded() {
        return stored && ended() ? Optional.of(new EndedBinding(id, endedAt, endReason)) : Optional.empty();
    }

    Optional<NewBinding> asNew() {
        return stored ? Optional.empty() : Optional.of(new NewBinding(id, key, guid, startedAt, startReason,
                Optional.ofNullable(endedAt), Optional.ofNullable(endReason)));
    }
}
