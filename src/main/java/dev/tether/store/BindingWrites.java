package dev.tether.store;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import java.util.Collection;
import java.util.Optional;

/** Identity bindings, written. Only the identity core calls these. */
public interface BindingWrites extends BindingReads {
    /**
     * Inserts bindings started (and those ended too) by the request of the stamp (none: a write that names no
     * request, the benchmark's without an audit trail).
     */
    void insert(String accountId, Collection<NewBinding> bindings, Optional<Stamp> stamp);

    /**
     * Writes the rows of these keys (made if missing): who holds each now, and when its history changed. Every start
     * and end of a binding writes its key's row, in the transaction that locked it ({@link #lockKeys}).
     */
    void recordKeys(String accountId, Collection<KeyRow> keys);

    /**
     * Ends the active bindings of these identities at one time for one reason, set-based: one statement per kind,
     * found through the index of active bindings rather than by binding id.
     */
    void endActive(String accountId, Collection<IdentityKey> keys, long at, BindingReason reason, Optional<Stamp> stamp);

    /**
     * Every binding the given profiles ever had forgets its GUID, and the active ones end (reason {@code deleted}):
     * the history keeps the values and dates but no longer the person.
     */
    void forgetProfiles(String accountId, Collection<String> guids, long at, Optional<Stamp> stamp);
}
