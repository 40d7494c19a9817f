package dev.tether.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object a line: {@code time} (ISO 8601 UTC), {@code level}, {@code logger}, {@code message} (formatted),
 * the event's key-value pairs as fields of their own ({@code method}, {@code status}, ... for the request log),
 * and {@code error} with the stack trace when there is one. Logback's own JSON encoder was not taken: it writes the
 * message unformatted beside its arguments and the key-value pairs as a list of one-field objects, which log
 * shippers and {@code jq} cannot address by name.
 */
final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];
    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator line = json.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            line.writeStringField("level", event.getLevel().toString());
            line.writeStringField("logger", event.getLoggerName());
            line.writeStringField("message", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    line.writeFieldName(pair.key);
                    if (pair.value instanceof Number number) {
                        line.writeNumber(number.toString());
                    } else {
                        line.writeString(String.valueOf(pair.value));
                    }
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                line.writeStringField("error", ThrowableProxyUtil.asString(error));
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
