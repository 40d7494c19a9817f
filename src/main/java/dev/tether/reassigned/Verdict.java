package dev.tether.reassigned;

import dev.tether.batch.Days;
import dev.tether.store.HistoryEntry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Whether a phone number changed hands on or after a date, from what this account saw of it (API.md section 7b):
 * {@code yes} when the number left a profile for any reason but a merge on or after that day; otherwise {@code no}
 * when a binding of it had started by the end of that day; otherwise {@code no_data}. Days are UTC, and a binding
 * that ended at any second of the day ended on that day.
 */
public enum Verdict {
    YES, NO, NO_DATA;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Verdict of(List<HistoryEntry> history, LocalDate date) {
        long dayStarts = date.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long dayEnds = Days.endOf(date);
        boolean left = history.stream().anyMatch(entry -> entry.to().isPresent() && entry.to().get() >= dayStarts
                && entry.endReason().filter(reason -> !reason.keepsTheValueWithThePerson()).isPresent());
        if (left) {
            return YES;
        }
        return history.stream().anyMatch(entry -> entry.from() < dayEnds) ? NO : NO_DATA;
    }
}
