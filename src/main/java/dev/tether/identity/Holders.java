package dev.tether.identity;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The resolution rule for lookup keys (see {@code Account.lookupKeys}): the first key, in their order, that some
 * profile holds names that profile. Upload, the profile read and delete all resolve an identity this way.
 */
public final class Holders {
    private Holders() {
    }

    public static Optional<String> first(List<IdentityKey> keys, Function<IdentityKey, Optional<String>> holderOf) {
        for (IdentityKey key : keys) {
            Optional<String> holder = holderOf.apply(key);
            if (holder.isPresent()) {
                return holder;
            }
        }
        return Optional.empty();
    }
}
