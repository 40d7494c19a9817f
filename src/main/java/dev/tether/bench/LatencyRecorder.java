package dev.tether.bench;

import java.util.Arrays;

/** Request latencies of one workload run, and their percentiles. */
final class LatencyRecorder {
    private long[] nanos = new long[1024];
    private int count;

    synchronized void record(long elapsedNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = elapsedNanos;
    }

    synchronized int count() {
        return count;
    }

    /** The p-th percentile in milliseconds (nearest rank). */
    synchronized double percentileMillis(double p) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(rank, count - 1))] / 1_000_000.0;
    }
}
