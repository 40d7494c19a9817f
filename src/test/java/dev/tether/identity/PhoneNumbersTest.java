package dev.tether.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rules of phone normalisation that the fuzzer found, kept readable. */
class PhoneNumbersTest {

    @Test
    void aNormalisedNumber_normalisesToItself() {
        for (String raw : new String[] {"+919213231415", "+1 (555) 000-1234", "+44 (0)20 7946 0958", "+20 2 2345 6789"}) {
            String once = PhoneNumbers.normalize(raw).orElseThrow();
            assertThat(PhoneNumbers.normalize(once)).contains(once);
        }
        assertThat(PhoneNumbers.normalize("+44 (0)20 7946 0958")).contains("+442079460958");
    }

    @Test
    void aNumberThatWouldNotReadBack_isInvalid() {
        // +20 strips a national 0: stored as +200000000020, it would normalise to +20000000020
        assertThat(PhoneNumbers.normalize("+2000000000020")).isEmpty();
    }

    @Test
    void moreThan15Digits_isInvalid() {
        assertThat(PhoneNumbers.normalize("+4958620400034348")).isEmpty();
        assertThat(PhoneNumbers.normalize("+\u0000919213231415")).isEmpty();
    }
}
