package dev.tether.bench;

/** One row of the report: a workload at one concurrency, measured. */
record BenchResult(String workload, String path, int clients, long requests, long records, double seconds,
                   double p50Ms, double p95Ms, double p99Ms, long heapUsedMb, long rssMb) {

    double requestsPerSecond() {
        return requests / seconds;
    }

    double recordsPerSecond() {
        return records / seconds;
    }
}
