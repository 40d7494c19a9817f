package dev.tether.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text built straight into UTF-8 bytes, for the one answer whose size makes the cost of a generator show: a
 * page of the events export (thousands of records, each with its stored JSON data written as it is), sent in
 * chunks.
 */
final class JsonBytes {
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private byte[] bytes;
    private int length;

    JsonBytes(int capacity) {
        bytes = new byte[Math.max(64, capacity)];
    }

    /** Text that is JSON syntax already and ASCII only: braces, commas, field names. */
    JsonBytes syntax(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    JsonBytes number(long value) {
        return syntax(Long.toString(value));
    }

    /** A JSON string literal: quotes around the text, escaped as JSON requires. */
    JsonBytes string(String text) {
        if (isPlain(text)) {
            ensure(text.length() + 2);
            bytes[length++] = '"';
            for (int i = 0; i < text.length(); i++) {
                bytes[length++] = (byte) text.charAt(i);
            }
            bytes[length++] = '"';
            return this;
        }
        return append((byte) '"').append(ENCODER.quoteAsUTF8(text)).append((byte) '"');
    }

    /** A JSON value that is valid JSON text already (stored JSON), written as it is. */
    JsonBytes value(String json) {
        return append(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON value already encoded as UTF-8 JSON text. */
    JsonBytes bytes(byte[] json) {
        return append(json);
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    /** ASCII without quote, backslash or control characters: written as it is inside quotes. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private JsonBytes append(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    private JsonBytes append(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
