package dev.tether.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    @Test
    void theShortWayForE164_agreesWithTheFullParse() {
        Random random = new Random(20261129);
        List<String> numbers = new ArrayList<>();
        for (int code : PhoneNumberUtil.getInstance().getSupportedCallingCodes()) {
            for (int digits = 1; digits + Integer.toString(code).length() <= 16; digits++) {
                for (int sample = 0; sample < 12; sample++) {
                    numbers.add("+" + code + randomDigits(random, digits));
                }
            }
        }
        for (int sample = 0; sample < 20_000; sample++) {
            numbers.add("+" + randomDigits(random, 1 + random.nextInt(17)));
        }
        int shortWays = 0;
        for (String number : numbers) {
            assertThat(PhoneNumbers.normalize(number)).as(number).isEqualTo(PhoneNumbers.normalizeByParsing(number));
            shortWays += PhoneNumbers.alreadyE164(number).isPresent() ? 1 : 0;
        }
        assertThat(shortWays).as("numbers that took the short way").isGreaterThan(numbers.size() / 2);
    }

    @Test
    void commonE164Numbers_takeTheShortWay() {
        for (String number : new String[] {"+12015550123", "+919213231415", "+442079460958", "+4915123456789",
                "+8613800138000", "+5511912345678"}) {
            assertThat(PhoneNumbers.alreadyE164(number)).as(number).contains(true);
        }
        assertThat(PhoneNumbers.alreadyE164("+1 201 555 0123")).isEmpty();
        assertThat(PhoneNumbers.alreadyE164("+390612345678")).as("Italian leading zero").isEmpty();
    }

    private static String randomDigits(Random random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
