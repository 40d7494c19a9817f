package dev.tether.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The web console's files ({@code /console}): one page, its script and its style, read once from the jar. The page
 * calls the same /1/ API as any client, with the credentials the person typed kept in the page's memory only; the
 * headers keep every script and request on this origin and the page out of frames.
 */
final class Console {
    static final String PATH = "/console";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    /** A file of the console and its content type. */
    private record File(String type, byte[] body) {
    }

    private final File page = new File("text/html; charset=utf-8", read("index.html"));
    private final File script = new File("text/javascript; charset=utf-8", read("console.js"));
    private final File style = new File("text/css; charset=utf-8", read("console.css"));

    private static byte[] read(String name) {
        try (InputStream in = Console.class.getResourceAsStream(PATH + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page itself; {@code /console/} too (trailing slashes are ignored). */
    void page(Context ctx) {
        send(ctx, page);
    }

    void script(Context ctx) {
        send(ctx, script);
    }

    void style(Context ctx) {
        send(ctx, style);
    }

    private static void send(Context ctx, File file) {
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(file.type()).result(file.body());
    }
}
