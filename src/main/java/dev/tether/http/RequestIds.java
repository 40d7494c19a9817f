package dev.tether.http;

import dev.tether.audit.Attribution;
import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The id of each request: the {@code X-Request-Id} header of its answer and the {@code request} field of its log
 * line, so that a client's report, a proxy's log and this server's log name the same request. A proxy's id in the
 * request's own {@code X-Request-Id} is kept when it is safe to echo and to log ({@link #SAFE}); else, or without
 * one, the server makes one (32 hex digits, 128 random bits).
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    /** 1 to 128 characters of letters, digits and {@code . _ : + / = @ -}, the first a letter or digit. */
    static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+/=@-]{0,127}");
    private static final String ATTRIBUTE = "tether.requestId";

    private RequestIds() {
    }

    /** Gives the request its id, kept from the request or made, and puts it on the answer. */
    static void assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && SAFE.matcher(given).matches() ? given : fresh();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    /** The request's id; empty for a request refused before the routes (Jetty's own answers). */
    static Optional<String> of(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }

    /** A fresh id: for a request without a safe one of its own, and for an answer that reached no route. */
    static String fresh() {
        return Attribution.freshId();
    }

    /** 16 hex digits a long, from a random source that guards nothing (an id names, it does not protect). */
    static String randomHex(int longs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder hex = new StringBuilder(16 * longs);
        for (int i = 0; i < longs; i++) {
            hex.append(HexFormat.of().toHexDigits(random.nextLong()));
        }
        return hex.toString();
    }
}
