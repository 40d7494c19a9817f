package dev.tether.http;

import dev.tether.config.Limits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API.md's per-account, per-API concurrency limits. A request over its account's limit is answered 429 at once
 * (it never waits), and counts only against its own account: one busy account cannot slow another's admission.
 * A limit is checked after authentication, so requests with a wrong passcode take no account's slot. The 429
 * carries {@code Retry-After: 1} (added where ApiError is answered).
 */
final class ConcurrencyLimits {
    enum Group { BATCH, BULK }

    /** A slot held while a request runs; closing it frees the slot. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final Limits limits;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    ConcurrencyLimits(Limits limits) {
        this.limits = limits;
    }

    Slot acquire(String accountId, Group group) {
        int limit = group == Group.BATCH ? limits.concurrentBatchRequests() : limits.concurrentBulkRequests();
        AtomicInteger counter = inFlight.computeIfAbsent(accountId + "/" + group, key -> new AtomicInteger());
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            throw new ApiError(429, "Too many concurrent requests");
        }
        return counter::decrementAndGet;
    }
}
