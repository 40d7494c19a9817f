package dev.tether.work;

import dev.tether.store.StorageUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The write units running at once on this server, by account (DECISIONS.md, "An account's share of the writers"). A
 * unit that waits for a row lock holds its connection while it waits, so the units of one busy account, waiting for
 * each other's locks, could hold every connection while another account's units waited for one. Units enter here
 * before they take a connection, at most one per connection: while a unit of another account waits to enter within
 * its own share, an account runs at most half the connections' worth; alone, as many as there are connections. A
 * unit that cannot enter within the wait answers 503, as one that cannot get a connection does. Newcomers are not
 * queued behind the woken waiters (the lock is not fair): a waiter may lose a free connection to one and wait on.
 */
final class WriteShares {
    private final int slots;
    private final int share;
    private final long waitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Integer> waiting = new HashMap<>();
    private int runningTotal;

    WriteShares(int slots, Duration wait) {
        if (slots < 1) {
            throw new IllegalArgumentException("at least one write unit at once, not " + slots);
        }
        this.slots = slots;
        this.share = Math.max(1, slots / 2);
        this.waitNanos = wait.toNanos();
    }

    /** Units waiting to enter now, of every account: waiting for a free connection or within their share. */
    int waiting() {
        lock.lock();
        try {
            return waiting.values().stream().mapToInt(Integer::intValue).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the account's unit once it may enter. */
    <T> T run(String accountId, Supplier<T> unit) {
        enter(accountId);
        try {
            return unit.get();
        } finally {
            leave(accountId);
        }
    }

    private void enter(String accountId) {
        lock.lock();
        try {
            waiting.merge(accountId, 1, Integer::sum);
            try {
                long left = waitNanos;
                while (!mayEnter(accountId)) {
                    if (left <= 0) {
                        throw new StorageUnavailableException("every write connection is busy; retry later", null);
                    }
                    left = changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException("interrupted while waiting for a write connection", e);
            } finally {
                waiting.computeIfPresent(accountId, (account, count) -> count == 1 ? null : count - 1);
                // one waiter fewer, or an account at its share now, may let an account over its share in
                changed.signalAll();
            }
            running.merge(accountId, 1, Integer::sum);
            runningTotal++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A free connection, and the account within its share or no other account waiting within its own (one at its
     * share as well does not hold a free connection from this one: with an odd number, both would wait).
     */
    private boolean mayEnter(String accountId) {
        return runningTotal < slots && (running.getOrDefault(accountId, 0) < share || !anotherWaitsWithinItsShare(
                accountId));
    }

    private boolean anotherWaitsWithinItsShare(String accountId) {
        return waiting.keySet().stream().anyMatch(account -> !account.equals(accountId)
                && running.getOrDefault(account, 0) < share);
    }

    private void leave(String accountId) {
        lock.lock();
        try {
            running.computeIfPresent(accountId, (account, count) -> count == 1 ? null : count - 1);
            runningTotal--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
