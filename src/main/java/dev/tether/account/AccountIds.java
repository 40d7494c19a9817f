package dev.tether.account;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Account ids in CleverTap's shape, {@code XXX-XXX-XXXX}. */
public final class AccountIds {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final Pattern SHAPE = Pattern.compile("[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{4}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccountIds() {
    }

    public static String newId() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 3 || i == 6) {
                id.append('-');
            }
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
