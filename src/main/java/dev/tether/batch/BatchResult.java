package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What a batch did: how many records were processed, and each failed record as it was sent. */
public final class BatchResult {

    /** A failed record, its code, and the error text naming its 1-based place in the batch. */
    public record Failure(int code, String error, JsonNode record) {
    }

    private int processed;
    private final List<Failure> unprocessed = new ArrayList<>();

    public void processed() {
        processed++;
    }

    /** @param index 0-based position in the request */
    public void failed(int index, JsonNode record, RecordRejected rejection) {
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
