package dev.tether.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The one normalisation of email addresses: trimmed and lower-cased, with a plain shape check. */
public final class Emails {
    private static final Pattern SHAPE = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final int MAX_LENGTH = 254;

    private Emails() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw == null || raw.indexOf('@') < 0) {
            return Optional.empty();
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        if (value.length() > MAX_LENGTH || !SHAPE.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
