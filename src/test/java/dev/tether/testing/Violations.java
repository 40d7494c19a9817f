package dev.tether.testing;

import dev.tether.store.InvariantViolation;
import dev.tether.store.Store;
import java.util.List;

/** What {@code tether check} reports on a store: the assertion every reliability test ends with. */
public final class Violations {
    private Violations() {
    }

    public static List<InvariantViolation> of(Store store) {
        return store.read(tx -> tx.invariantViolations(10));
    }
}
