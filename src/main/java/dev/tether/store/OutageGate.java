package dev.tether.store;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails fast while the database is down. Once a transaction found the database unreachable, every transaction for a
 * short quiet period answers "unavailable" at once instead of each waiting out the pool's connection timeout
 * (which would pile up waiting request threads); after it, one transaction at a time probes whether the database is
 * back, while the others still fail fast. The first success opens the gate again: recovery needs no restart.
 */
final class OutageGate {
    static final long QUIET_NANOS = 500_000_000L;

    private volatile boolean down;
    private volatile long quietUntil;
    private final AtomicBoolean probing = new AtomicBoolean();

    /**
     * Lets a transaction through, or throws {@link StorageUnavailableException} at once.
     *
     * @return whether this transaction is the probe (and must report its outcome)
     */
    boolean enter() {
        if (!down) {
            return false;
        }
        if (System.nanoTime() - quietUntil < 0 || !probing.compareAndSet(false, true)) {
            throw new StorageUnavailableException("database unreachable; retry later", null, true, false);
        }
        return true;
    }

    /** The transaction reached the database (whatever its outcome otherwise). */
    void reached(boolean probe) {
        if (down) {
            down = false;
        }
        if (probe) {
            probing.set(false);
        }
    }

    /** The transaction found the database unreachable. */
    void unreachable(boolean probe) {
        quietUntil = System.nanoTime() + QUIET_NANOS;
        down = true;
        if (probe) {
            probing.set(false);
        }
    }
}
