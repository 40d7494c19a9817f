package dev.tether.store;

/** How often a profile did one event, and when first and last. */
public record EventStats(long count, long firstSeen, long lastSeen) {
}
