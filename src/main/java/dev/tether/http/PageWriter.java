package dev.tether.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.store.ExportedEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Writes a page of an export to the client while the database still sends it: records go out in chunks of about
 * 64 KiB, so the client parses one chunk while the server reads the next, and no one holds the whole page. Each
 * event's data goes out as the JSON text it is stored as, never parsed or encoded again.
 *
 * <p>The answer starts with the first record, so an error before it (a bad cursor, the database down) is still
 * answered in the one error shape. An error after it can only cut the answer short: the client sees a body that is
 * not JSON and asks for the same cursor again, which reads the same page. For the same reason a page is read once:
 * the store runs a read again after a broken connection, which must not write the records a second time.
 */
final class PageWriter {
    private static final int CHUNK = 64 * 1024;

    private final Context ctx;
    private final JsonBytes buffer = new JsonBytes(CHUNK + 4096);
    private boolean started;
    private boolean sent;
    private int records;

    PageWriter(Context ctx) {
        this.ctx = ctx;
    }

    /** Called where the page's read begins; a read run again after records went out fails instead. */
    void beginRead() {
        if (sent) {
            throw new IllegalStateException("the page was cut short by a storage error after it began");
        }
        buffer.clear();
        started = false;
        records = 0;
    }

    /** An event record: {@code {"objectId","evtName","ts","evtData"}}. */
    void event(ExportedEvent event) {
        next();
        buffer.syntax("{\"objectId\":").string(event.guid())
                .syntax(",\"evtName\":").string(event.name())
                .syntax(",\"ts\":").number(event.ts())
                .syntax(",\"evtData\":").value(event.dataJson()).syntax("}");
        afterRecord();
    }

    /** A profile record, as {@code GET /1/profile.json} shows it. */
    void profile(ObjectNode record) {
        next();
        try {
            buffer.bytes(Json.MAPPER.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        afterRecord();
    }

    private void next() {
        if (!started) {
            start();
        }
        if (records > 0) {
            buffer.syntax(",");
        }
    }

    private void afterRecord() {
        records++;
        if (buffer.length() >= CHUNK) {
            flush();
        }
    }

    /** Ends the page: the records, then the next cursor while there may be more. */
    void finish(Optional<String> nextCursor) {
        if (!started) {
            start();
        }
        buffer.syntax("]");
        nextCursor.ifPresent(next -> buffer.syntax(",\"next_cursor\":").string(next));
        buffer.syntax("}");
        flush();
    }

    int records() {
        return records;
    }

    private void start() {
        started = true;
        buffer.syntax("{\"status\":\"success\",\"records\":[");
    }

    private void flush() {
        if (!sent) {
            ctx.status(200).contentType("application/json");
            sent = true;
        }
        try {
            OutputStream out = ctx.outputStream();
            buffer.writeTo(out);
            out.flush();
            buffer.clear();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
