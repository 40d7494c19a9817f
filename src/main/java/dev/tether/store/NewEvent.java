package dev.tether.store;

/**
 * An event to insert, with its data as a JSON object text. {@code guid} is the profile it counts for now;
 * {@code arrivedAs} the GUID it was sent to, kept through merges so that a demerge can give it back.
 */
public record NewEvent(String eventId, String guid, String arrivedAs, String name, long ts, String dataJson) {
}
