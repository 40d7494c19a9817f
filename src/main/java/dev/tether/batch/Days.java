package dev.tether.batch;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A day as the API takes it: {@code YYYY-MM-DD}, a real calendar day, the year in four digits; a record's day that
 * is not one is 545.
 */
public final class Days {
    public static final int NOT_VALID_CODE = 545;
    public static final String NOT_VALID = "Date is not valid. Expected YYYY-MM-DD";

    private static final Pattern SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    private Days() {
    }

    /** The epoch second a UTC day ends: the start of the next. */
    public static long endOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /** The record's day, or 545. */
    public static LocalDate of(String text) {
        return parse(text).orElseThrow(() -> new RecordRejected(NOT_VALID_CODE, NOT_VALID));
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
