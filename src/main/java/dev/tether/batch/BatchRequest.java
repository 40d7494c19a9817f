package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The batch envelope of a request: {@code {"d":[record, ...]}} with at most the configured number of records. */
public final class BatchRequest {
    private BatchRequest() {
    }

    public static List<JsonNode> records(JsonNode body, int limit) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("Request body must be a JSON object with an array \"d\"");
        }
        JsonNode d = body.get("d");
        if (d == null || d.isNull()) {
            throw new InvalidRequestException("Missing \"d\": expected an array of records");
        }
        if (!d.isArray()) {
            throw new InvalidRequestException("\"d\" must be an array of records");
        }
        if (d.isEmpty()) {
            throw new InvalidRequestException("\"d\" is empty: send at least one record");
        }
        if (d.size() > limit) {
            throw new InvalidRequestException("Batch of " + d.size() + " records is over the limit of " + limit);
        }
        List<JsonNode> records = new ArrayList<>(d.size());
        d.forEach(records::add);
        return records;
    }
}
