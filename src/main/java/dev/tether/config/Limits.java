package dev.tether.config;

/**
 * The limits of API.md section 1, configurable per server; {@link #defaults()} are the documented ones.
 * The concurrency limits count the requests of one account in flight at once, per group of endpoints:
 * batch writes (upload, disassociate, subscribe) and bulk operations (delete, demerge, exports).
 */
public record Limits(int recordsPerRequest, long maxBodyBytes, int maxKeyBytes, int maxValueBytes,
                     int maxCustomKeys, int maxEventDataKeys, int valuesPerBulkRequest,
                     int concurrentBatchRequests, int concurrentBulkRequests) {

    public static Limits defaults() {
        return new Limits(1000, 16L * 1024 * 1024, 120, 512, 256, 256, 100, 15, 3);
    }

    public Limits withMaxBodyBytes(long bytes) {
        return new Limits(recordsPerRequest, bytes, maxKeyBytes, maxValueBytes, maxCustomKeys, maxEventDataKeys,
                valuesPerBulkRequest, concurrentBatchRequests, concurrentBulkRequests);
    }

    public Limits withConcurrency(int batchRequests, int bulkRequests) {
        if (batchRequests < 1 || bulkRequests < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1");
        }
        return new Limits(recordsPerRequest, maxBodyBytes, maxKeyBytes, maxValueBytes, maxCustomKeys,
                maxEventDataKeys, valuesPerBulkRequest, batchRequests, bulkRequests);
    }
}
