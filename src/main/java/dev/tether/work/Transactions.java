package dev.tether.work;

import dev.tether.account.Account;
import dev.tether.core.IdentityChange;
import dev.tether.core.IdentityCore;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * Opens the unit of work of a request: one transaction, in which the operation runs and after which everything it
 * changed is written and committed together. Later, the idempotency record and the outbox rows of the same request
 * commit here too. The work may run more than once (the store runs a transaction again after a conflict), so it
 * must not act outside the unit.
 */
public final class Transactions {
    private final Store store;
    private final Clock clock;

    public Transactions(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The outcome of a unit of work: the operation's result and the identity changes it committed. */
    public record Committed<R>(R result, List<IdentityChange> changes) {
    }

    /**
     * Runs a write operation as one unit of work and commits it. A dry run runs the same work in a read transaction
     * and writes nothing; its changes are what would have happened.
     */
    public <R> Committed<R> write(Account account, boolean dryRun, Function<UnitOfWork, R> work) {
        if (dryRun) {
            return store.read(tx -> {
                IdentityCore core = new IdentityCore(account, tx, clock);
                R result = work.apply(new UnitOfWork(account, tx, core));
                return new Committed<>(result, core.changes());
            });
        }
        return store.write(tx -> {
            IdentityCore core = new IdentityCore(account, tx, clock);
            R result = work.apply(new UnitOfWork(account, tx, core));
            core.flush(tx);
            return new Committed<>(result, core.changes());
        });
    }

    /** Runs a read-only operation in one read transaction. */
    public <R> R read(Account account, Function<UnitOfWork, R> work) {
        return store.read(tx -> work.apply(new UnitOfWork(account, tx, new IdentityCore(account, tx, clock))));
    }
}
