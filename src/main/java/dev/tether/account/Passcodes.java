package dev.tether.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * Passcodes: 120 random bits written as 24 base-32 characters in groups of six. Only a SHA-256 hash is
 * stored. A slow password hash buys nothing here: the secret is random, not chosen by a person, so it
 * cannot be guessed from a dictionary, and a fast hash keeps authentication off the request's critical path.
 */
public final class Passcodes {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int GROUPS = 4;
    private static final int GROUP_LENGTH = 6;

    private Passcodes() {
    }

    public static String newPasscode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < GROUPS * GROUP_LENGTH; i++) {
            if (i > 0 && i % GROUP_LENGTH == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    public static String hash(String passcode) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(passcode.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The stored passcode a presented one matches, if any: its hash compared with every stored hash in constant
     * time, so that how long it takes tells nothing of which matched.
     */
    public static <T> Optional<T> match(String presented, Collection<T> stored, Function<T, String> storedHash) {
        byte[] presentedHash = hash(presented).getBytes(StandardCharsets.US_ASCII);
        T matched = null;
        for (T candidate : stored) {
            if (MessageDigest.isEqual(presentedHash, storedHash.apply(candidate).getBytes(StandardCharsets.US_ASCII))
                    && matched == null) {
                matched = candidate;
            }
        }
        return Optional.ofNullable(matched);
    }

    /** Whether a passcode that stops working at {@code expiresAt} (epoch s; empty: never) has stopped at {@code now}. */
    public static boolean expired(Optional<Long> expiresAt, long now) {
        return expiresAt.filter(at -> now >= at).isPresent();
    }

    /** The first group, enough to tell passcodes apart in a listing without revealing them. */
    public static String hint(String passcode) {
        return passcode.substring(0, Math.min(GROUP_LENGTH, passcode.length()));
    }
}
