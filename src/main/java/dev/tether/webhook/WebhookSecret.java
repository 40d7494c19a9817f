package dev.tether.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * An endpoint's signing secret as Standard Webhooks writes it: {@code whsec_} and the base64 of 32 random bytes.
 * The bytes, decoded, are the HMAC key.
 */
public final class WebhookSecret {
    static final String PREFIX = "whsec_";
    private static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecret() {
    }

    static String generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The HMAC key of a secret. */
    static byte[] keyOf(String secret) {
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    }
}
