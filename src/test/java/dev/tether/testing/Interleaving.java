package dev.tether.testing;

import dev.tether.store.StatementLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Steps units of work through one interleaving on PostgreSQL, by statement, not by timing: a request is stopped just
 * before one of its statements (through the statement log) while the test runs other requests, each until it has
 * finished or waits for a lock (PostgreSQL's own view of its sessions, {@code pg_stat_activity}); then the stopped
 * request goes on.
 */
public final class Interleaving {
    private static final long WAIT_LIMIT_MS = 30_000;

    /** What a unit started while another was stopped did by the time the test went on. */
    public enum Outcome {
        /** It ran to its end. */
        FINISHED,
        /** It waits for a lock that some other transaction holds. */
        WAITED
    }

    private Interleaving() {
    }

    /**
     * Runs {@code request} on this thread; when a statement of it matching {@code at} is about to run, runs
     * {@code whileStopped} on the request's own thread, then lets the request go on. Statements of the server's own
     * background threads (named tether-*) and of the threads {@link #start} makes are not looked at.
     */
    public static <R> R stoppedAt(Predicate<StatementLog.Statement> at, Runnable whileStopped,
                                  java.util.function.Supplier<R> request) {
        AtomicBoolean stopped = new AtomicBoolean();
        StatementLog.listen(statement -> {
            String thread = Thread.currentThread().getName();
            if (thread.startsWith("tether-") || thread.startsWith(UNIT_THREAD) || stopped.get()
                    || !at.test(statement) || !stopped.compareAndSet(false, true)) {
                return;
            }
            whileStopped.run();
        });
        try {
            R result = request.get();
            if (!stopped.get()) {
                throw new AssertionError("the request ran no statement it was to be stopped at");
            }
            return result;
        } finally {
            StatementLog.stop();
        }
    }

    private static final String UNIT_THREAD = "interleaved-unit-";

    /** A unit of work running on a thread of its own. */
    public static final class Unit {
        private final Thread thread;
        private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        private Outcome outcome = Outcome.FINISHED;

        private Unit(String name, Runnable work) {
            this.thread = new Thread(() -> {
                try {
                    work.run();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, UNIT_THREAD + name);
        }

        /** What the unit had done when {@link #start} returned. */
        public Outcome outcome() {
            return outcome;
        }

        /** Waits for the unit's end and rethrows what it failed with. */
        public void join() throws InterruptedException {
            thread.join(WAIT_LIMIT_MS);
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not end within " + WAIT_LIMIT_MS + " ms");
            }
            Throwable failed = failure.get();
            if (failed instanceof RuntimeException e) {
                throw e;
            }
            if (failed instanceof Error e) {
                throw e;
            }
        }

        /** Waits up to this long for the unit's end; whether it ended. */
        public boolean ended(long millis) throws InterruptedException {
            thread.join(millis);
            return !thread.isAlive();
        }
    }

    /**
     * Starts the work on a thread of its own and returns once it has finished or waits for a lock: one more session
     * of the database waits for a lock than before it started.
     */
    public static Unit start(String databaseUrl, String name, Runnable work) throws InterruptedException {
        int waitingBefore = sessionsWaitingForALock(databaseUrl);
        Unit unit = new Unit(name, work);
        unit.thread.start();
        long until = System.nanoTime() + WAIT_LIMIT_MS * 1_000_000;
        while (System.nanoTime() < until) {
            if (unit.ended(20)) {
                unit.outcome = Outcome.FINISHED;
                return unit;
            }
            if (sessionsWaitingForALock(databaseUrl) > waitingBefore) {
                unit.outcome = Outcome.WAITED;
                return unit;
            }
        }
        throw new AssertionError(name + " neither finished nor waited for a lock within " + WAIT_LIMIT_MS + " ms");
    }

    /** The sessions of the database that wait for a lock (a row, a transaction, an advisory lock) now. */
    public static int sessionsWaitingForALock(String databaseUrl) {
        try (Connection connection = DriverManager.getConnection(databaseUrl);
             PreparedStatement waiting = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
             ResultSet count = waiting.executeQuery()) {
            count.next();
            return count.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_activity", e);
        }
    }
}
