package dev.tether.store;

import dev.tether.identity.IdentityKey;
import java.util.Optional;

/** The row of one identity key: the profile that holds it now (none when nobody does) and when it last changed. */
public record KeyRow(IdentityKey key, Optional<String> holder, long changedAt) {
}
