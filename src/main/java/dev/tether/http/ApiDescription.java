package dev.tether.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every path this server answers, read once from the jar.
 * The conformance suites check every request and answer they make against it, so it stays true (DECISIONS.md,
 * "The OpenAPI description").
 */
final class ApiDescription {
    static final String PATH = "/openapi.json";

    private final byte[] document = read();

    private static byte[] read() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(PATH)) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(Context ctx) {
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("application/json").result(document);
    }
}
