package dev.tether.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.recycling.CamaraError;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The paths Tether answers as a CAMARA API (the number recycling check, docs/API.md section 12a): every error there is
 * CAMARA's {@code {"status":400,"code":"INVALID_ARGUMENT","message":"..."}}, and the {@code x-correlator} a request
 * sends comes back on its answer.
 */
final class CamaraPath {
    static final String PREFIX = "/number-recycling/";
    static final String RECYCLING_CHECK = PREFIX + "v0.2/check";
    static final String CORRELATOR = "x-correlator";
    /** CAMARA Commonalities' XCorrelator. */
    static final Pattern CORRELATOR_VALUE = Pattern.compile("^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$");
    /**
     * CAMARA's code for each status Tether answers on these paths with no code of its own: Commonalities' names, and
     * for 413, which Commonalities does not name, the status's own name.
     */
    private static final Map<Integer, String> CODES = Map.of(400, "INVALID_ARGUMENT", 401, "UNAUTHENTICATED",
            403, "PERMISSION_DENIED", 404, "NOT_FOUND", 405, "METHOD_NOT_ALLOWED", 413, "PAYLOAD_TOO_LARGE",
            415, "UNSUPPORTED_MEDIA_TYPE", 429, "TOO_MANY_REQUESTS", 500, "INTERNAL", 503, "UNAVAILABLE");

    private CamaraPath() {
    }

    static boolean owns(Context ctx) {
        return ctx.path().startsWith(PREFIX);
    }

    /**
     * Echoes the request's {@code x-correlator} on the answer, whatever it turns out to be; one that breaks
     * Commonalities' pattern is refused (400 {@code INVALID_ARGUMENT}) and not echoed.
     */
    static void correlate(Context ctx) {
        Optional<String> correlator = Optional.ofNullable(ctx.header(CORRELATOR));
        if (correlator.isEmpty()) {
            return;
        }
        if (!CORRELATOR_VALUE.matcher(correlator.get()).matches()) {
            throw new CamaraError(400, "INVALID_ARGUMENT", "x-correlator must match " + CORRELATOR_VALUE.pattern());
        }
        ctx.header(CORRELATOR, correlator.get());
    }

    static ObjectNode error(CamaraError e) {
        return error(e.status(), e.code(), String.valueOf(e.getMessage()));
    }

    /** The CAMARA error for a status Tether answers with no CAMARA code of its own (authentication, limits, ...). */
    static ObjectNode error(int status, String message) {
        return error(status, CODES.getOrDefault(status, status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT"), message);
    }

    private static ObjectNode error(int status, String code, String message) {
        return Json.MAPPER.createObjectNode().put("status", status).put("code", code).put("message", message);
    }
}
