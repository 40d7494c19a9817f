package dev.tether.store;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.Map;

/** Events, as read. */
public interface EventReads {
    /** Per event name: count, first and last time, for one profile (its own events and those merged into it). */
    Map<String, EventStats> stats(String accountId, String guid);

    /** The same for several profiles in one statement: per GUID that has events, per event name. */
    Map<String, Map<String, EventStats>> stats(String accountId, Collection<String> guids);

    /**
     * The next events of the range after the key ({@code afterTs}, {@code afterEventId}; the start of the range
     * when the key is before it), in key order, at most
     * {@code limit}: a page of an export, read by a seek on the index of events by name, never by an offset, and
     * handed to the sink one by one as the database sends them (nothing holds the whole page).
     */
    void page(String accountId, EventRange range, long afterTs, String afterEventId, int limit,
              Consumer<ExportedEvent> sink);

    /** How many events the range holds. */
    long count(String accountId, EventRange range);

    /** How many profiles did an event of the range. */
    long countProfiles(String accountId, EventRange range);
}
