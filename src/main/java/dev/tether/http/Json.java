package dev.tether.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tether.batch.BatchResult;
import dev.tether.export.Exports;
import dev.tether.store.ExportedEvent;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    /**
     * A page of the events export, written as it is read: each event's data goes out as the JSON text it is stored
     * as, without being parsed again.
     */
    static void sendEvents(Context ctx, Exports.Page<ExportedEvent> page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.records().size() * 160);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", "success");
            json.writeArrayFieldStart("records");
            for (ExportedEvent event : page.records()) {
                json.writeStartObject();
                json.writeStringField("objectId", event.guid());
                json.writeStringField("evtName", event.name());
                json.writeNumberField("ts", event.ts());
                json.writeFieldName("evtData");
                json.writeRawValue(event.dataJson());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (page.nextCursor().isPresent()) {
                json.writeStringField("next_cursor", page.nextCursor().get());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        ctx.status(200).contentType("application/json").result(out.toByteArray());
    }
}
