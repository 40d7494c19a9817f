package dev.tether.http;

import dev.tether.config.Limits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API.md's per-account, per-API concurrency limits. Each API has its own count per account, as CleverTap counts
 * them: a migration's 15 upload workers leave disassociate its own 15. A request over its account's limit is
 * answered 429 at once (it never waits), and counts only against its own account and API. A limit is checked after
 * authentication, so requests with a wrong passcode take no account's slot. The 429 carries {@code Retry-After: 1}
 * (added where ApiError is answered).
 */
final class ConcurrencyLimits {
    /**
     * The APIs counted apart; a batch of records (the writes, and the reassignment check, a read of up to 1000
     * numbers) has the batch limit, and so does the number recycling check, one indexed read that a gateway calls
     * for each sign-in it vets; every other the bulk limit.
     */
    enum Api {
        UPLOAD(true), DISASSOCIATE(true), SUBSCRIBE(true), REASSIGNED(true), NUMBER_RECYCLING(true),
        DELETE(false), DEMERGE(false), EVENTS_EXPORT(false), PROFILES_EXPORT(false), COUNTS(false), HISTORY(false),
        AUDIT(false);

        private final boolean batchWrite;

        Api(boolean batchWrite) {
            this.batchWrite = batchWrite;
        }
    }

    /** A slot held while a request runs; closing it frees the slot. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** How long an export page waits for its turn to stream before it is answered 429. */
    private static final long STREAM_WAIT_SECONDS = 10;

    private final Limits limits;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Semaphore streams;

    ConcurrencyLimits(Limits limits) {
        this.limits = limits;
        this.streams = new Semaphore(limits.exportPagesInFlight(), true);
    }

    /**
     * A turn to stream an export page, for the server as a whole: a page holds a database connection while its
     * client reads it, so a few slow clients must not take the pool the writes need. A page waits for its turn (a
     * client pages one page at a time, and the Node.js library gives up on a 429 without a word); after
     * {@value #STREAM_WAIT_SECONDS} s it is answered 429.
     */
    Slot acquireStream() {
        try {
            if (!streams.tryAcquire(STREAM_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ApiError(429, "Too many concurrent requests");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(429, "Too many concurrent requests");
        }
        return streams::release;
    }

    Slot acquire(String accountId, Api api) {
        int limit = api.batchWrite ? limits.concurrentBatchRequests() : limits.concurrentBulkRequests();
        AtomicInteger counter = inFlight.computeIfAbsent(accountId + "/" + api, key -> new AtomicInteger());
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            throw new ApiError(429, "Too many concurrent requests");
        }
        return counter::decrementAndGet;
    }
}
