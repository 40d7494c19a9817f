package dev.tether.core;

import dev.tether.identity.IdentityKey;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a request's unit of work learned it must lock, kept across the times it runs: a key or profile it found it
 * needed only after it had taken later locks in the one order, tried without waiting, and lost. The next run takes
 * them with the rest, in order, so each restart is the last one for them (DECISIONS.md, "Concurrency: one lock
 * order").
 */
public final class LockHints {
    final Set<IdentityKey> keys = new LinkedHashSet<>();
    final Set<String> profiles = new LinkedHashSet<>();

    /** Nothing learned yet: for a request's first run, and for a unit that runs once (a dry run, a read). */
    public static LockHints none() {
        return new LockHints();
    }
}
