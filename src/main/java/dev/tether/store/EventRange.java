package dev.tether.store;

/** The events of one name from {@code from} (included) to {@code until} (excluded), epoch seconds: an export's query. */
public record EventRange(String eventName, long from, long until) {
}
