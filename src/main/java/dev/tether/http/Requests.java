package dev.tether.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.work.IdempotencyKey;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reading requests: the JSON body (415, 400) and query parameters with a literal '+' kept. */
final class Requests {
    private Requests() {
    }

    /**
     * The body as JSON. A Content-Type that is present must be JSON; a missing one is read as JSON. The bytes must be
     * strict UTF-8 (the JSON parser alone would take an overlong encoding of U+0000).
     */
    static JsonNode jsonBody(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !contentType.isBlank() && !isJson(contentType)) {
            throw new ApiError(415, "Content-Type must be application/json, not " + contentType);
        }
        return parseJson(ctx.bodyAsBytes());
    }

    /** A request body as JSON: strict UTF-8, one JSON value, no repeated keys; anything else is a 400. */
    static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("Request body is empty: expected JSON");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("Request body is not valid UTF-8");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static boolean isJson(String contentType) {
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    /**
     * Query parameters, percent-decoded only: clients send {@code identity=+9192...} and {@code email=a+b@x.com}
     * unencoded, so a '+' is a plus, never a space. The first value of a repeated name wins.
     */
    static Map<String, String> query(Context ctx) {
        return parseQuery(ctx.queryString());
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            params.putIfAbsent(decode(parts[0]), parts.length == 2 ? decode(parts[1]) : "");
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Malformed query string");
        }
    }

    static boolean dryRun(Context ctx) {
        String value = query(ctx).getOrDefault("dryRun", "0");
        return value.equals("1") || value.equalsIgnoreCase("true");
    }

    /**
     * The request's {@code Idempotency-Key}, if it sent one, with the hash (SHA-256) of what a retry must send
     * again: the method, the path (without a trailing slash) and the body. A key that is not 1 to 255 printable
     * ASCII characters is a 400.
     */
    static Optional<IdempotencyKey> idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return Optional.empty();
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw ApiError.badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((action(ctx) + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(ctx.bodyAsBytes());
            return Optional.of(new IdempotencyKey(key, HexFormat.of().formatHex(sha.digest())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    /**
     * The request's method and path, the path without a trailing slash (the same path either way): what an
     * Idempotency-Key's retry must repeat and what its audit entry names.
     */
    static String action(Context ctx) {
        String path = ctx.path().endsWith("/") ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
        return ctx.method().name() + " " + path;
    }

    static Optional<String> header(Context ctx, String name) {
        return Optional.ofNullable(ctx.header(name));
    }
}
