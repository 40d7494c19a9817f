package dev.tether.recycling;

import dev.tether.store.HistoryEntry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * CAMARA's question, "has the subscriber of this number changed after the specified day?", answered from one
 * number's history in this account (API.md section 7c): {@code true} when someone other than the holder at the end of
 * that day (nobody, if nobody held it then) has held it since, a merge never being a change of subscriber. Days are
 * UTC.
 *
 * <p>After the day's end, the holder changes exactly where a binding ends for a reason other than a merge (the
 * number leaves its holder: nobody holds it now) or one starts for a reason other than a merge (somebody takes it
 * from nobody, as every other start follows an end); a merge ends one binding and starts another for the same person.
 * So the answer is whether either happened after the day. It differs from the FCC-style check
 * ({@link dev.tether.reassigned.Verdict}) where nobody held the number at the end of the day and someone took it
 * later: a change of subscriber here, {@code no} there (that check asks whether the number left a holder).
 */
public final class RecyclingCheck {
    private RecyclingCheck() {
    }

    /**
     * The answer for this history and day, or the CAMARA error: 400 {@code OUT_OF_RANGE} for a day after
     * {@code today} or before the number's first binding in this account (a time Tether did not see), 404
     * {@code IDENTIFIER_NOT_FOUND} for a number the account never knew.
     */
    public static boolean recycled(List<HistoryEntry> history, LocalDate day, LocalDate today) {
        if (day.isAfter(today)) {
            throw new CamaraError(400, "OUT_OF_RANGE", "specifiedDate " + day + " is after today (" + today
                    + ", UTC)");
        }
        if (history.isEmpty()) {
            throw new CamaraError(404, "IDENTIFIER_NOT_FOUND", "This account never knew the phone number");
        }
        long firstSeen = history.stream().mapToLong(HistoryEntry::from).min().orElseThrow();
        LocalDate firstDay = LocalDate.ofEpochDay(Math.floorDiv(firstSeen, 86_400L));
        if (day.isBefore(firstDay)) {
            throw new CamaraError(400, "OUT_OF_RANGE", "specifiedDate " + day + " is before " + firstDay
                    + ", the day this account first saw the phone number");
        }
        long dayEnds = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return history.stream().anyMatch(entry ->
                entry.from() >= dayEnds && !entry.startReason().keepsTheValueWithThePerson()
                        || entry.to().filter(to -> to >= dayEnds).isPresent()
                        && entry.endReason().filter(reason -> !reason.keepsTheValueWithThePerson()).isPresent());
    }
}
