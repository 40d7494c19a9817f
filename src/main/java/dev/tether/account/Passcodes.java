package dev.tether.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

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

    /** Constant-time comparison of a presented passcode against one stored hash. */
    public static boolean matches(String presented, String storedHash) {
        byte[] presentedHash = hash(presented).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presentedHash, storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first group, enough to tell passcodes apart in a listing without revealing them. */
    public static String hint(String passcode) {
        return passcode.substring(0, Math.min(GROUP_LENGTH, passcode.length()));
    }
}
