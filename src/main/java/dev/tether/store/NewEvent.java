package dev.tether.store;

/** An event to insert, with its data as a JSON object text. */
public record NewEvent(String eventId, String guid, String name, long ts, String dataJson) {
}
