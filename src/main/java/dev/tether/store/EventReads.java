package dev.tether.store;

import java.util.Map;

/** Events, as read. */
public interface EventReads {
    /** Per event name: count, first and last time, for one profile (its own events and those merged into it). */
    Map<String, EventStats> stats(String accountId, String guid);
}
