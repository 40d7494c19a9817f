package dev.tether.store;

import java.util.Collection;

/** Events, written. */
public interface EventWrites extends EventReads {
    void insert(String accountId, Collection<NewEvent> events);

    /** Moves every event of one profile to another (a merge); each keeps the GUID it arrived under. */
    void move(String accountId, String fromGuid, String toGuid);

    void delete(String accountId, Collection<String> guids);
}
