package dev.tether.store;

/** An event as an export reads it: the profile it counts for now, its key (ts, event id), and its data as JSON text. */
public record ExportedEvent(String guid, String eventId, String name, long ts, String dataJson) {
}
