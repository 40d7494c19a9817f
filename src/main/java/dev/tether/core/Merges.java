package dev.tether.core;

import java.util.Optional;
import java.util.function.Function;

/**
 * The rule for merged profiles: a merged profile answers with the one it was merged into, along any chain. The
 * profile read follows the same rule inside its one statement ({@code dev.tether.store.ProfileViewQuery}'s
 * recursive {@code chain}); a change to the rule changes both.
 */
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
}
