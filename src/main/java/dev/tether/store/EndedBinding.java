package dev.tether.store;

import dev.tether.identity.BindingReason;

/** A binding to end. */
public record EndedBinding(String bindingId, long endedAt, BindingReason reason) {
}
