package dev.tether.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.BatchResult;
import dev.tether.identity.BindingReason;
import dev.tether.store.HistoryEntry;
import dev.tether.store.Stamp;
import io.javalin.http.Context;
import java.util.Optional;

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

    /**
     * One binding of the history: {@code objectId} (null once its profile was deleted), kind, value, {@code from},
     * {@code to} (null while active), {@code reason} (why it ended, or why it started while active), and both
     * reasons apart.
     */
    static void historyEntry(ObjectNode out, HistoryEntry entry) {
        out.put("objectId", entry.guid().orElse(null));
        out.put("kind", entry.key().kind().storedName());
        out.put("value", entry.key().value());
        out.put("from", entry.from());
        if (entry.to().isPresent()) {
            out.put("to", entry.to().get());
        } else {
            out.putNull("to");
        }
        out.put("reason", entry.endReason().orElse(entry.startReason()).storedName());
        out.put("startReason", entry.startReason().storedName());
        out.put("endReason", entry.endReason().map(BindingReason::storedName).orElse(null));
        Optional<Stamp> last = entry.to().isPresent() ? entry.ended() : entry.started();
        out.put("requestId", last.map(Stamp::requestId).orElse(null));
        out.put("by", last.map(Stamp::by).orElse(null));
        out.put("startRequestId", entry.started().map(Stamp::requestId).orElse(null));
        out.put("startBy", entry.started().map(Stamp::by).orElse(null));
        out.put("endRequestId", entry.ended().map(Stamp::requestId).orElse(null));
        out.put("endBy", entry.ended().map(Stamp::by).orElse(null));
    }


    /** A JSON tree as text. */
    static String text(JsonNode body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static void send(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
