package dev.tether.testing;

import dev.tether.check.InvariantChecker;
import dev.tether.check.InvariantViolation;
import dev.tether.store.Store;
import java.util.List;

/** What {@code tether check} reports on a store: the assertion every reliability test ends with. */
public final class Violations {
    private Violations() {
    }

    public static List<InvariantViolation> of(Store store) {
        return new InvariantChecker(store).violations(10);
    }
}
