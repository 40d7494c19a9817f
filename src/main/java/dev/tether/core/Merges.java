package dev.tether.core;

import dev.tether.store.ReadTx;
import dev.tether.store.StoredProfile;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The rule for merged profiles: a merged profile answers with the one it was merged into, along any chain. */
public final class Merges {
    private Merges() {
    }

    public static <P> Optional<P> follow(Optional<P> profile, Function<P, Optional<String>> mergedInto,
                                         Function<String, Optional<P>> find) {
        Optional<P> current = profile;
        while (current.isPresent() && mergedInto.apply(current.get()).isPresent()) {
            current = find.apply(mergedInto.apply(current.get()).get());
        }
        return current;
    }

    /** The live profile a GUID answers with: itself, or the one it was merged into, read from the store. */
    public static Optional<StoredProfile> live(ReadTx tx, String accountId, String guid) {
        Function<String, Optional<StoredProfile>> find =
                g -> Optional.ofNullable(tx.profiles().find(accountId, List.of(g)).get(g));
        return follow(find.apply(guid), StoredProfile::mergedInto, find);
    }
}
