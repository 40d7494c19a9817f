package dev.tether.identity;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Profile GUIDs: 32 lower-case hex, time-ordered (48 bits of milliseconds, then 80 random bits). */
public final class Guids {
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Guids() {
    }

    public static String newGuid() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return String.format("%012x", System.currentTimeMillis() & 0xFFFFFFFFFFFFL) + HexFormat.of().formatHex(random);
    }

    /** A GUID sent by a client (SDK device ids included): 1 to 64 letters, digits, '_' and '-'. */
    public static boolean isWellFormed(String guid) {
        return guid != null && WELL_FORMED.matcher(guid).matches();
    }
}
