package dev.tether.identity;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * GUIDs the server makes (profiles, bindings, events, merges): 32 lower-case hex, time-ordered (48 bits of
 * milliseconds, then 80 random bits), and strictly increasing within one process: within one millisecond the random
 * part counts up, as in a monotonic ULID. So rows made by one request sort in the order they were made (the identity
 * history of a value bound and re-bound in one batch reads back in order).
 */
public final class Guids {
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long HIGH_MASK = 0xFFFFL;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static long lastMillis = -1;
    private static long high;
    private static long low;

    private Guids() {
    }

    public static synchronized String newGuid() {
        long millis = System.currentTimeMillis() & 0xFFFFFFFFFFFFL;
        if (millis > lastMillis) {
            lastMillis = millis;
            high = RANDOM.nextInt() & HIGH_MASK;
            low = RANDOM.nextLong();
        } else if (++low == 0) {
            high = (high + 1) & HIGH_MASK;
            if (high == 0) {
                lastMillis++;
            }
        }
        char[] hex = new char[32];
        writeHex(hex, 0, 12, lastMillis);
        writeHex(hex, 12, 4, high);
        writeHex(hex, 16, 16, low);
        return new String(hex);
    }

    /** The lowest {@code digits} hex digits of the value into {@code out} at {@code from}: cheaper than a format. */
    private static void writeHex(char[] out, int from, int digits, long value) {
        long rest = value;
        for (int i = from + digits - 1; i >= from; i--) {
            out[i] = HEX[(int) (rest & 0xF)];
            rest >>>= 4;
        }
    }

    /** What a well-formed GUID is, as error messages say it. */
    public static final String FORM = "1 to 64 letters, digits, '_' or '-'";

    /** A GUID sent by a client (SDK device ids included): 1 to 64 letters, digits, '_' and '-'. */
    public static boolean isWellFormed(String guid) {
        return guid != null && WELL_FORMED.matcher(guid).matches();
    }
}
