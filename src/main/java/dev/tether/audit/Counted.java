package dev.tether.audit;

import dev.tether.batch.BatchResult;

/** What a change's audit entry counts: its records processed and those left unprocessed. */
public record Counted(int processed, int unprocessed) {
    /** A batch's counts, as its answer gives them. */
    public static Counted of(BatchResult batch) {
        return new Counted(batch.processedCount(), batch.unprocessed().size());
    }
}
