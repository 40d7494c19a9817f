package dev.tether.config;

/**
 * The limits of API.md section 1, configurable per server; {@link #defaults()} are the documented ones.
 * The concurrency limits count the requests of one account in flight at once, each API on its own count:
 * {@code concurrentBatchRequests} is the limit of each batch write (upload, disassociate, subscribe),
 * {@code concurrentBulkRequests} that of each other API (delete, demerge, each export, counts, history).
 * {@code exportPagesInFlight} is Tether's own, for the server as a whole: how many export pages may stream at once,
 * each holding a database connection while its client reads it (more wait for a turn).
 */
public record Limits(int recordsPerRequest, long maxBodyBytes, int maxKeyBytes, int maxValueBytes,
                     int maxCustomKeys, int maxEventDataKeys, int valuesPerBulkRequest,
                     int concurrentBatchRequests, int concurrentBulkRequests, int exportPagesInFlight) {

    public Limits {
        if (recordsPerRequest < 1 || maxBodyBytes < 1 || maxKeyBytes < 1 || maxValueBytes < 1 || maxCustomKeys < 1
                || maxEventDataKeys < 1 || valuesPerBulkRequest < 1 || exportPagesInFlight < 1) {
            throw new IllegalArgumentException("every limit must be at least 1");
        }
        if (concurrentBatchRequests < 1 || concurrentBulkRequests < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1");
        }
    }

    public static Limits defaults() {
        return new Limits(1000, 16L * 1024 * 1024, 120, 512, 256, 256, 100, 15, 3, 2);
    }

    public Limits withMaxBodyBytes(long bytes) {
        return new Limits(recordsPerRequest, bytes, maxKeyBytes, maxValueBytes, maxCustomKeys, maxEventDataKeys,
                valuesPerBulkRequest, concurrentBatchRequests, concurrentBulkRequests, exportPagesInFlight);
    }

    public Limits withConcurrency(int batchRequests, int bulkRequests) {
        return new Limits(recordsPerRequest, maxBodyBytes, maxKeyBytes, maxValueBytes, maxCustomKeys,
                maxEventDataKeys, valuesPerBulkRequest, batchRequests, bulkRequests, exportPagesInFlight);
    }
}
