package dev.tether.store;

/** Who changed a binding: the id of the request and its actor, as its audit entry names them. */
public record Stamp(String requestId, String by) {
}
