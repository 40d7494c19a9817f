package dev.tether.work;

import dev.tether.account.Account;
import dev.tether.account.UnknownAccountException;
import dev.tether.audit.Attribution;
import dev.tether.audit.Counted;
import dev.tether.core.IdentityChange;
import dev.tether.core.IdentityCore;
import dev.tether.core.LockHints;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import dev.tether.store.StoredReply;
import dev.tether.store.WriteTx;
import dev.tether.webhook.Outbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Opens the unit of work of a request: one transaction, in which the operation runs and after which everything it
 * changed is written and committed together, with its webhook messages (the outbox) and the answer stored under the
 * request's Idempotency-Key. The work may run more than once (the store runs a transaction again after a conflict),
 * so it must not act outside the unit.
 */
public final class Transactions {
    /** How long an Idempotency-Key answers with its stored answer; after that a retry with it runs again. */
    public static final Duration KEY_LIFETIME = Duration.ofHours(24);
    /** Expired keys deleted per transaction by {@link #purgeExpiredKeys}: short enough never to hold up writes. */
    private static final int PURGE_BATCH = 1000;

    private final Store store;
    private final Clock clock;
    private final Runnable messagesCommitted;
    /** Where writers run at once: each account's share of them ({@link WriteShares}). */
    private final Optional<WriteShares> shares;
    /** Whether each unit writes its audit entry: always but in the benchmark's row that measures what one costs. */
    private final boolean auditTrail;

    public Transactions(Store store, Clock clock) {
        this(store, clock, () -> { });
    }

    /** With what to do after a unit that wrote webhook messages commits (wake the webhook delivery). */
    public Transactions(Store store, Clock clock, Runnable messagesCommitted) {
        this(store, clock, messagesCommitted, true);
    }

    private Transactions(Store store, Clock clock, Runnable messagesCommitted, boolean auditTrail) {
        this.store = store;
        this.clock = clock;
        this.messagesCommitted = messagesCommitted;
        this.auditTrail = auditTrail;
        OptionalInt writers = store.concurrentWriters();
        this.shares = writers.isPresent()
                ? Optional.of(new WriteShares(writers.getAsInt(), store.connectionWait())) : Optional.empty();
    }

    /**
     * The writes waiting at the gate of their account's share ({@link WriteShares}), where writers run at once: they
     * hold no connection yet, so the pool's pending count does not show them.
     */
    public void instrument(MeterRegistry registry) {
        shares.ifPresent(gate -> Gauge.builder("tether.writes.waiting", gate, WriteShares::waiting)
                .description("Writes waiting for a write connection or within their account's share; not counted as"
                        + " pending in tether_db_connections")
                .register(registry));
    }

    /**
     * Units that write no audit entry and stamp no binding, as before the audit trail: only for the benchmark, which
     * measures what the trail costs against these (a database so written still passes {@code tether check}).
     */
    public static Transactions withoutAuditTrail(Store store, Clock clock) {
        return new Transactions(store, clock, () -> { }, false);
    }

    /**
     * The outcome of a unit of work: the operation's result, the identity changes it committed, and whether they
     * became webhook messages.
     */
    public record Committed<R>(R result, List<IdentityChange> changes, boolean wroteMessages) {
    }

    /**
     * Runs a write operation as one unit of work and commits it. A dry run runs the same work in a read transaction
     * and writes nothing; its changes are what would have happened.
     */
    public <R> Committed<R> write(Account account, boolean dryRun, Attribution by, Function<UnitOfWork, R> work,
                                  Function<R, Counted> counted) {
        if (dryRun) {
            return store.read(tx -> {
                Account now = settled(account, tx);
                IdentityCore core = new IdentityCore(now, tx, clock);
                R result = work.apply(new UnitOfWork(now, tx, core));
                return new Committed<>(result, core.changes(), false);
            });
        }
        LockHints hints = LockHints.none();
        return committed(inShare(account, () -> store.write(tx -> unit(account, tx, by, work, counted, hints))));
    }

    /**
     * The account as the unit runs with it: its row read, and in a write locked shared, first of all the unit's
     * locks (DECISIONS.md, "Concurrency: one lock order"). A change of its settings that committed after the
     * request was authenticated is what the unit sees; one that comes later waits for the unit to end.
     */
    private static Account settled(Account authenticated, ReadTx tx) {
        return tx.accounts().lockShared(authenticated.id())
                .orElseThrow(() -> new UnknownAccountException(authenticated.id()));
    }

    /** A write of the account's, run within its share of the writers where they run at once. */
    private <T> T inShare(Account account, Supplier<T> write) {
        return shares.isPresent() ? shares.get().run(account.id(), write) : write.get();
    }

    private <R> Committed<R> committed(Committed<R> unit) {
        if (unit.wroteMessages()) {
            messagesCommitted.run();
        }
        return unit;
    }

    /**
     * The operation in the write transaction, then everything it changed, written, with its audit entry; with what
     * the request's earlier runs learned they must lock.
     */
    private <R> Committed<R> unit(Account authenticated, WriteTx tx, Attribution by, Function<UnitOfWork, R> work,
                                  Function<R, Counted> counted, LockHints hints) {
        Account account = settled(authenticated, tx);
        IdentityCore core = new IdentityCore(account, tx, clock, hints);
        R result = work.apply(new UnitOfWork(account, tx, core));
        core.flush(tx, auditTrail ? Optional.of(by.stamp()) : Optional.empty());
        long now = clock.instant().getEpochSecond();
        if (auditTrail) {
            Counted counts = counted.apply(result);
            tx.audit().insert(account.id(), by.entry(now, counts.processed(), counts.unprocessed(), false));
        }
        // the outbox last: its number is the last lock of the unit, and its holder only commits
        boolean wroteMessages = Outbox.write(tx.webhooks(), account.id(), core.changes(), now);
        return new Committed<>(result, core.changes(), wroteMessages);
    }

    /**
     * Runs a write and renders its answer inside the unit of work. With an Idempotency-Key the answer is stored with
     * the write, in its transaction, so that a retry with the key gets the same answer and writes nothing: a key
     * stored within {@link #KEY_LIFETIME} with the same request answers what it stored ({@code replayed}), with
     * another request it is refused ({@link IdempotencyKeyReusedException}). The key is claimed first, before
     * anything is read: a request whose key another one holds in flight, on any server, is refused at once
     * ({@link IdempotencyKeyInFlightException}) rather than doing the work only to lose to it (and the database keeps
     * the two from both committing even then: the key is unique). A request that fails as a whole stores nothing
     * (its transaction rolls back), and a dry run neither reads nor stores a key.
     */
    public <R> Reply answer(Account account, boolean dryRun, Optional<IdempotencyKey> key, Attribution by,
                            Function<UnitOfWork, R> work, Function<R, Counted> counted, Function<R, String> render) {
        if (dryRun || key.isEmpty()) {
            return new Reply(200, render.apply(write(account, dryRun, by, work, counted).result()), false);
        }
        IdempotencyKey given = key.get();
        AtomicBoolean wroteMessages = new AtomicBoolean();
        LockHints hints = LockHints.none();
        Reply reply = inShare(account, () -> store.write(tx -> {
            wroteMessages.set(false);
            if (!tx.idempotency().claim(account.id(), given.value())) {
                throw new IdempotencyKeyInFlightException();
            }
            long now = clock.instant().getEpochSecond();
            Optional<StoredReply> stored = tx.idempotency().find(account.id(), given.value());
            if (stored.isPresent() && stored.get().createdAt() > now - KEY_LIFETIME.toSeconds()) {
                if (!stored.get().requestHash().equals(given.requestHash())) {
                    throw new IdempotencyKeyReusedException();
                }
                if (auditTrail) {
                    tx.audit().insert(account.id(), by.entry(now, 0, 0, true));
                }
                return new Reply(stored.get().status(), stored.get().body(), true);
            }
            if (stored.isPresent()) {
                tx.idempotency().forget(account.id(), given.value());
            }
            Committed<R> unit = unit(account, tx, by, work, counted, hints);
            wroteMessages.set(unit.wroteMessages());
            String body = render.apply(unit.result());
            tx.idempotency().remember(account.id(), given.value(), new StoredReply(given.requestHash(), 200, body,
                    now));
            return new Reply(200, body, false);
        }));
        if (wroteMessages.get()) {
            messagesCommitted.run();
        }
        return reply;
    }

    /**
     * Deletes the Idempotency-Keys over their lifetime, {@value #PURGE_BATCH} per short transaction, so that the
     * purge never holds up the writes; returns how many.
     */
    public int purgeExpiredKeys() {
        long before = clock.instant().minus(KEY_LIFETIME).getEpochSecond();
        int purged = 0;
        for (int deleted = PURGE_BATCH; deleted == PURGE_BATCH; purged += deleted) {
            deleted = store.write(tx -> tx.idempotency().purge(before, PURGE_BATCH));
        }
        return purged;
    }

    /**
     * Deletes the audit entries older than the retention, {@value #PURGE_BATCH} per short transaction, as
     * {@link #purgeExpiredKeys} does; returns how many.
     */
    public int purgeAuditTrail(Duration retention) {
        long before = clock.instant().minus(retention).getEpochSecond();
        int purged = 0;
        for (int deleted = PURGE_BATCH; deleted == PURGE_BATCH; purged += deleted) {
            deleted = store.write(tx -> tx.audit().purge(before, PURGE_BATCH));
        }
        return purged;
    }

    /** Runs a read-only operation in one read transaction. */
    public <R> R read(Account account, Function<UnitOfWork, R> work) {
        return store.read(tx -> work.apply(new UnitOfWork(account, tx, new IdentityCore(account, tx, clock))));
    }
}
