package dev.tether.store;

import java.util.Collection;

/** Events, written. */
public interface EventWrites extends EventReads {
    void insert(String accountId, Collection<NewEvent> events);

    /** Moves every event of one profile to another (a merge); each keeps the GUID it arrived under. */
    void move(String accountId, String fromGuid, String toGuid);

    /**
     * A demerge: every event of profile {@code from} that arrived under one of the {@code restored} GUIDs goes back
     * to that GUID.
     */
    void giveBack(String accountId, String from, Collection<String> restored);

    void delete(String accountId, Collection<String> guids);
}
