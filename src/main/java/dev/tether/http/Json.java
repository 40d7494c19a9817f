package dev.tether.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.BatchResult;
import io.javalin.http.Context;

/** Writing JSON answers: the one error body, the batch envelope and plain objects. */
final class Json {
    /** Strict about what it reads: a second top-level value or a repeated key is malformed, not ignored. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    static ObjectNode error(int status, String message) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", "fail");
        body.put("error", message);
        body.put("code", status);
        return body;
    }

    static ObjectNode envelope(BatchResult result) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", result.status());
        body.put("processed", result.processedCount());
        var unprocessed = body.putArray("unprocessed");
        for (BatchResult.Failure failure : result.unprocessed()) {
            unprocessed.addObject()
                    .put("status", "fail")
                    .put("code", failure.code())
                    .put("error", failure.error())
                    .set("record", failure.record());
        }
        return body;
    }

    static void send(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
