package dev.tether.identity;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The resolution rule for lookup keys (see {@code Account.lookupKeys}): the first key, in their order, whose active
 * binding names a profile that exists names that profile, followed along its merges to the live one. Upload, delete
 * and demerge resolve an identity this way through {@code IdentityCore.firstHolder}; the profile read follows the same
 * rule inside its one statement ({@code ProfileViewQuery}), and {@code ProfileReadContract} holds the two together.
 * An event's user is followed to the GUID of the first key's binding without reading the profile
 * ({@code IdentityCore.firstHolderGuid}): the two differ only on a binding whose profile is gone or merged, which
 * `tether check` reports as broken.
 */
public final class Holders {
    private Holders() {
    }

    /** The first of these keys that some profile holds: the key that names the user's profile. */
    public static Optional<IdentityKey> firstHeld(List<IdentityKey> keys,
                                                  Function<IdentityKey, Optional<String>> holderOf) {
        return keys.stream().filter(key -> holderOf.apply(key).isPresent()).findFirst();
    }

    /** The first holder of these keys; {@code holderOf} answers a key's holder where that profile exists. */
    public static Optional<String> first(List<IdentityKey> keys, Function<IdentityKey, Optional<String>> holderOf) {
        return firstHeld(keys, holderOf).flatMap(holderOf);
    }
}
