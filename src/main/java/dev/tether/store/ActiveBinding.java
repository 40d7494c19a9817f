package dev.tether.store;

import dev.tether.identity.IdentityKey;

/** An identity bound to a profile now. */
public record ActiveBinding(String bindingId, IdentityKey key, String guid, long since) {
}
