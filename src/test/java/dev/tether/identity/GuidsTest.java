package dev.tether.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuidsTest {
    @Test
    void newGuids_are32LowerHex_andSortInCreationOrder() throws InterruptedException {
        String first = Guids.newGuid();
        Thread.sleep(2);
        String second = Guids.newGuid();
        assertThat(first).matches("[0-9a-f]{32}");
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void newGuids_withinOneMillisecond_stillSortInCreationOrder() {
        String previous = Guids.newGuid();
        for (int i = 0; i < 100_000; i++) {
            String next = Guids.newGuid();
            assertThat(next).matches("[0-9a-f]{32}").isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    void clientGuids_areWellFormed_whenShortLettersDigitsDashUnderscore() {
        assertThat(Guids.isWellFormed("__g9f2c1e0d")).isTrue();
        assertThat(Guids.isWellFormed("-2ce3a1")).isTrue();
        assertThat(Guids.isWellFormed("a".repeat(65))).isFalse();
        assertThat(Guids.isWellFormed("bad guid")).isFalse();
        assertThat(Guids.isWellFormed("")).isFalse();
    }
}
