package dev.tether.recycling;

import dev.tether.batch.Days;
import dev.tether.store.HistoryEntry;
import java.time.LocalDate;
import java.util.List;

/**
 * CAMARA's question, "has the subscriber of this number changed after the specified day?", answered from one
 * number's history in this account (docs/API.md section 12a): {@code true} when someone other than the holder at the end of
 * that day (nobody, if nobody held it then) has held it since, a merge never being a change of subscriber. Days are
 * UTC.
 *
 * <p>After the day's end, the holder changes exactly where a binding ends for a reason other than a merge (the
 * number leaves its holder: nobody holds it now) or one starts for a reason other than a merge (somebody takes it
 * from nobody, as every other start follows an end); a merge ends one binding and starts another for the same person.
 * So the answer is whether either happened after the day. A merge that ends a number's binding without starting
 * another (the profile it was merged into holds a number of that kind already) is no change either, as in the
 * FCC-style check: the person did not give the number up. It differs from the FCC-style check
 * ({@link dev.tether.reassigned.Verdict}) where nobody held the number at the end of the day and someone took it
 * later: a change of subscriber here, {@code no} there (that check asks whether the number left a holder).
 */
public final class RecyclingCheck {
    private RecyclingCheck() {
    }

    /** What the history says for the day: an answer, or why there is none. */
    public sealed interface Answer permits Answer.Recycled, Answer.NeverKnown, Answer.OutOfRange {
        /** The answer: whether the subscriber changed after the day. */
        record Recycled(boolean recycled) implements Answer {
        }

        /** The account never knew the number. */
        record NeverKnown() implements Answer {
        }

        /** A day after today, or before the account first saw the number: a time Tether did not see. */
        record OutOfRange(String why) implements Answer {
        }
    }

    public static Answer of(List<HistoryEntry> history, LocalDate day, LocalDate today) {
        if (day.isAfter(today)) {
            return new Answer.OutOfRange("specifiedDate " + day + " is after today (" + today + ", UTC)");
        }
        if (history.isEmpty()) {
            return new Answer.NeverKnown();
        }
        long firstSeen = history.stream().mapToLong(HistoryEntry::from).min().orElseThrow();
        LocalDate firstDay = LocalDate.ofEpochDay(Math.floorDiv(firstSeen, 86_400L));
        if (day.isBefore(firstDay)) {
            return new Answer.OutOfRange("specifiedDate " + day + " is before " + firstDay
                    + ", the day this account first saw the phone number");
        }
        long dayEnds = Days.endOf(day);
        return new Answer.Recycled(history.stream().anyMatch(entry ->
                entry.from() >= dayEnds && !entry.startReason().keepsTheValueWithThePerson()
                        || entry.to().filter(to -> to >= dayEnds).isPresent()
                        && entry.endReason().filter(reason -> !reason.keepsTheValueWithThePerson()).isPresent()));
    }
}
