package dev.tether.core;

import dev.tether.identity.IdentityKey;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A profile record's user that the unit may make a profile: found by none of her lookup keys, she is bound her first
 * identity and her claims (the account's identities among her record's values). Named by no other record of the
 * batch, so that what the unit will write for her keys is known before it locks them.
 */
public record NewUser(List<IdentityKey> lookupKeys, List<IdentityKey> claims) {
    public NewUser {
        lookupKeys = List.copyOf(lookupKeys);
        claims = List.copyOf(claims);
    }

    /** Every key that decides whether she is new: her lookup keys and her claims. */
    Set<IdentityKey> named() {
        Set<IdentityKey> named = new LinkedHashSet<>(lookupKeys);
        named.addAll(claims);
        return named;
    }

    /** The keys her new profile is to be bound: her first identity ({@link IdentityCore#newProfileIdentity}), claims. */
    Set<IdentityKey> toBind() {
        Set<IdentityKey> toBind = new LinkedHashSet<>();
        toBind.add(IdentityCore.newProfileIdentity(lookupKeys));
        toBind.addAll(claims);
        return toBind;
    }
}
