package dev.tether.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.InvalidRequestException;
import dev.tether.store.EventRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Export cursors as tokens: the cursor as JSON, then its HMAC-SHA256 under a key every server of the fleet shares,
 * both base64url without padding and joined by a dot. So a token is URL-safe (clients send it unencoded), opaque to
 * them, read by any server of the fleet, and one that was changed, made up, belongs to another account or is over
 * its lifetime is refused with a 400.
 */
public final class CursorCodec {
    /** The name of the shared key that signs cursors (one key for every server on the database). */
    public static final String KEY_NAME = "export-cursors";

    /** How long a cursor may be used after it was given out; each page gives a new one. */
    public static final Duration LIFETIME = Duration.ofHours(24);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String INVALID = "Cursor is not valid: use the cursor of the last answer as it was given";

    private final SecretKeySpec key;
    private final Clock clock;

    public CursorCodec(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clock = clock;
    }

    long expiry() {
        return clock.instant().plus(LIFETIME).getEpochSecond();
    }

    String encode(ExportCursor cursor) {
        ObjectNode json = JSON.createObjectNode()
                .put("v", 1)
                .put("a", cursor.accountId())
                .put("k", cursor.kind().name())
                .put("n", cursor.range().eventName())
                .put("f", cursor.range().from())
                .put("u", cursor.range().until())
                .put("b", cursor.batchSize())
                .put("t", cursor.afterTs())
                .put("i", cursor.afterKey())
                .put("e", cursor.expiresAt());
        byte[] payload = json.toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(sign(payload));
    }

    /** The cursor a token carries, for this account; a 400 for any token this fleet did not give to it, or expired. */
    ExportCursor decode(String token, String accountId) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 2) {
            throw new InvalidRequestException(INVALID);
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(parts[0]);
            signature = DECODER.decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(INVALID);
        }
        // one spelling per token: base64 leaves spare bits in its last character, which a decoder ignores
        boolean canonical = ENCODER.encodeToString(payload).equals(parts[0])
                && ENCODER.encodeToString(signature).equals(parts[1]);
        if (!canonical || !MessageDigest.isEqual(sign(payload), signature)) {
            throw new InvalidRequestException(INVALID);
        }
        ExportCursor cursor = parse(payload);
        if (!cursor.accountId().equals(accountId)) {
            throw new InvalidRequestException(INVALID);
        }
        if (clock.instant().getEpochSecond() > cursor.expiresAt()) {
            throw new InvalidRequestException("Cursor has expired (a cursor lasts " + LIFETIME.toHours()
                    + " hours): start the export again");
        }
        return cursor;
    }

    private static ExportCursor parse(byte[] payload) {
        try {
            JsonNode json = JSON.readTree(payload);
            ExportCursor cursor = new ExportCursor(json.get("a").asText(), ExportKind.valueOf(json.get("k").asText()),
                    new EventRange(json.get("n").asText(), json.get("f").asLong(), json.get("u").asLong()),
                    json.get("b").asInt(), json.get("t").asLong(), json.get("i").asText(), json.get("e").asLong());
            // checked again, not trusted for being signed: whoever reads the database can read the key too
            if (cursor.batchSize() < 1 || cursor.batchSize() > Exports.MAX_BATCH_SIZE
                    || cursor.range().until() <= cursor.range().from()) {
                throw new InvalidRequestException(INVALID);
            }
            return cursor;
        } catch (IOException | RuntimeException e) {
            // signed by this fleet, so only a cursor of another version of the format gets here
            throw new InvalidRequestException(INVALID);
        }
    }

    private byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
