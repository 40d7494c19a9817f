package dev.tether.http;

import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The id of each request: the {@code X-Request-Id} header of its answer and the {@code request} field of its log
 * line, so that a client's report, a proxy's log and this server's log name the same request. A proxy's id in the
 * request's own {@code X-Request-Id} is kept when it is safe to echo and to log (1 to 128 characters of letters,
 * digits and {@code . _ : + / = @ -}); else, or without one, the server makes one (32 hex digits, 128 random bits).
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "tether.requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:+/=@-]{1,128}");

    private RequestIds() {
    }

    /** Gives the request its id, kept from the request or made, and puts it on the answer. */
    static void assign(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && SAFE.matcher(given).matches() ? given : fresh();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    /** The request's id; null for a request refused before the routes (Jetty's own answers). */
    static @Nullable String of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }
}
