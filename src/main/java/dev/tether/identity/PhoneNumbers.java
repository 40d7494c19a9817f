package dev.tether.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one normalisation of phone numbers: E.164 through libphonenumber.
 * A number must start with '+'; spaces, dashes, dots and brackets are tolerated. Possibility (a length
 * check per country) is the test, not validity, whose number ranges go stale.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** E.164 allows at most 15 digits; libphonenumber calls some longer German numbers possible. */
    private static final int MAX_E164_LENGTH = 16;
    private static final Pattern SHAPE = Pattern.compile("\\+[0-9 ().\\-]{2,40}");

    private PhoneNumbers() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        if (trimmed.isEmpty() || trimmed.charAt(0) != '+' || !SHAPE.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        try {
            PhoneNumber number = UTIL.parse(trimmed, "ZZ");
            if (!UTIL.isPossibleNumber(number)) {
                return Optional.empty();
            }
            String e164 = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            if (e164.length() > MAX_E164_LENGTH || number.isItalianLeadingZero() && !isFixpoint(e164)) {
                return Optional.empty();
            }
            return Optional.of(e164);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a normalised number normalises to itself. For a few countries with a national prefix of 0 (Egypt's
     * +20 is one), libphonenumber strips a 0 after the country code, so "+2000…" becomes "+200…" and then "+20…":
     * such a number could never be found again by its own stored form, so it is not a valid number here. Found by
     * RequestFuzzTest; only numbers with a leading zero pay for the second parse.
     */
    private static boolean isFixpoint(String e164) throws NumberParseException {
        return UTIL.format(UTIL.parse(e164, "ZZ"), PhoneNumberUtil.PhoneNumberFormat.E164).equals(e164);
    }
}
