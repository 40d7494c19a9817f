package dev.tether.reassigned;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/** A day as the checks take it: {@code YYYY-MM-DD}, a real calendar day, the year in four digits. */
public final class Days {
    private static final Pattern SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    private Days() {
    }

    /** The day, or empty: four digits of year exactly, as the parser alone also takes "+12026-11-01". */
    public static Optional<LocalDate> parse(String text) {
        if (!SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text, DAY));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
