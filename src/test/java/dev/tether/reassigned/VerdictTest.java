package dev.tether.reassigned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.store.HistoryEntry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** API.md 7b to the second: made-up histories around the edges of the asked day (2026-11-01, UTC). */
class VerdictTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
    private static final long STARTS = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    private static final long ENDS = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    private static final IdentityKey P = IdentityKey.phone("+14155550100");

    private static HistoryEntry held(long from, Long to, BindingReason ended) {
        return new HistoryEntry(Optional.of("g"), P, from, Optional.ofNullable(to), BindingReason.UPLOADED,
                Optional.ofNullable(ended), Optional.empty(), Optional.empty());
    }

    private static HistoryEntry active(long from) {
        return held(from, null, null);
    }

    @Test
    void anEndAtTheFirstSecondOfTheDay_isOnTheDay_theLastSecondBefore_isNot() {
        assertThat(Verdict.of(List.of(held(STARTS - 100, STARTS, BindingReason.DISASSOCIATED)), DAY))
                .isEqualTo(Verdict.YES);
        assertThat(Verdict.of(List.of(held(STARTS - 100, STARTS - 1, BindingReason.DISASSOCIATED)), DAY))
                .isEqualTo(Verdict.NO);
        assertThat(Verdict.of(List.of(held(STARTS - 100, ENDS - 1, BindingReason.DISASSOCIATED)), DAY))
                .isEqualTo(Verdict.YES);
    }

    @Test
    void aStartAtTheLastSecondOfTheDay_isKnownOnTheDay_theFirstSecondAfter_isNot() {
        assertThat(Verdict.of(List.of(active(ENDS - 1)), DAY)).isEqualTo(Verdict.NO);
        assertThat(Verdict.of(List.of(active(ENDS)), DAY)).isEqualTo(Verdict.NO_DATA);
    }

    @Test
    void everyEndButAMerge_isTheNumberLeaving() {
        for (BindingReason reason : List.of(BindingReason.DISASSOCIATED, BindingReason.TRANSFERRED,
                BindingReason.REPLACED, BindingReason.DEMERGED, BindingReason.DELETED)) {
            assertThat(Verdict.of(List.of(held(STARTS - 100, ENDS + 100, reason)), DAY)).as(reason.name())
                    .isEqualTo(Verdict.YES);
        }
        assertThat(Verdict.of(List.of(held(STARTS - 100, ENDS + 100, BindingReason.MERGED),
                active(ENDS + 100)), DAY)).isEqualTo(Verdict.NO);
    }

    @Test
    void disassociatedBeforeTheDay_andNeverBoundAgain_isNo_theNumberWasKnownAndHadNotChangedHandsSince() {
        assertThat(Verdict.of(List.of(held(STARTS - 100, STARTS - 50, BindingReason.DISASSOCIATED)), DAY))
                .isEqualTo(Verdict.NO);
        assertThat(Verdict.of(List.of(), DAY)).isEqualTo(Verdict.NO_DATA);
    }
}
