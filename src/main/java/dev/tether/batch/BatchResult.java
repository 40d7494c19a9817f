package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What a batch did: how many records were processed, and each failed record as it was sent. */
public final class BatchResult {

    /** A failed record, its code, and the error text naming its 1-based place in the batch. */
    public record Failure(int code, String error, JsonNode record) {
    }

    /** Something done to record i of a batch; a RecordRejected leaves it unprocessed and the batch goes on. */
    @FunctionalInterface
    public interface RecordStep {
        void apply(int index);
    }

    /** Applies the step to every record in order and counts what was processed and what failed. */
    public static BatchResult of(List<JsonNode> records, RecordStep step) {
        BatchResult result = new BatchResult();
        for (int i = 0; i < records.size(); i++) {
            try {
                step.apply(i);
                result.processed++;
            } catch (RecordRejected rejected) {
                result.failed(i, records.get(i), rejected);
            }
        }
        return result;
    }

    private int processed;
    private final List<Failure> unprocessed = new ArrayList<>();

    /** @param index 0-based position in the request */
    private void failed(int index, JsonNode record, RecordRejected rejection) {
        unprocessed.add(new Failure(rejection.code(),
                rejection.getMessage() + ". Skipped record number : " + (index + 1), record));
    }

    public int processedCount() {
        return processed;
    }

    public List<Failure> unprocessed() {
        return List.copyOf(unprocessed);
    }

    /** success when nothing failed, fail when nothing was processed, else partial. */
    public String status() {
        if (unprocessed.isEmpty()) {
            return "success";
        }
        return processed == 0 ? "fail" : "partial";
    }
}
