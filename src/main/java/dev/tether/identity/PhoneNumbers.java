package dev.tether.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one normalisation of phone numbers: E.164 through libphonenumber.
 * A number must start with '+'; spaces, dashes, dots and brackets are tolerated. Possibility (a length
 * check per country) is the test, not validity, whose number ranges go stale.
 *
 * <p>Numbers already in E.164 form take a short way that gives the same answer as the full parse without its
 * regular expressions (see {@link #alreadyE164}): a batch of 1000 numbers spent about 6 ms of CPU in the parse,
 * as much as the database work of a disassociation. {@code PhoneNumbersTest} holds the two ways equal.
 */
public final class PhoneNumbers {
    /** The record code of a phone number that is not valid (API.md, record codes). */
    public static final int INVALID_CODE = 516;
    /** Its error text, the same wherever a number is refused. */
    public static final String INVALID = "Phone number is not valid";
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** E.164 allows at most 15 digits; libphonenumber calls some longer German numbers possible. */
    private static final int MAX_E164_LENGTH = 16;
    private static final int MAX_COUNTRY_CODE_LENGTH = 3;
    private static final Pattern SHAPE = Pattern.compile("\\+[0-9 ().\\-]{2,40}");
    private static final Set<Integer> CALLING_CODES = UTIL.getSupportedCallingCodes();
    /** The metadata libphonenumber parses with (the same files; its own copy is not public). */
    private static final MetadataSource METADATA =
            DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    private static final String NON_GEOGRAPHIC_REGION = "001";
    /** Per calling code: the pattern of a national prefix as the parse looks for it, or none. */
    private static final Map<Integer, Optional<Pattern>> NATIONAL_PREFIXES = new ConcurrentHashMap<>();

    private PhoneNumbers() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        Optional<Boolean> possible = alreadyE164(trimmed);
        if (possible.isPresent()) {
            return possible.get() ? Optional.of(trimmed) : Optional.empty();
        }
        return normalizeByParsing(trimmed);
    }

    /** The full parse through libphonenumber: the reference the short way is tested against. */
    static Optional<String> normalizeByParsing(String trimmed) {
        if (trimmed.isEmpty() || trimmed.charAt(0) != '+' || !SHAPE.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        try {
            PhoneNumber number = UTIL.parse(trimmed, "ZZ");
            if (!UTIL.isPossibleNumber(number)) {
                return Optional.empty();
            }
            String e164 = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            if (e164.length() > MAX_E164_LENGTH || (number.isItalianLeadingZero() && !isFixpoint(e164))) {
                return Optional.empty();
            }
            return Optional.of(e164);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * For "+" and at most 15 digits, what the full parse would conclude, when that is certain without it: the
     * parse of such a number takes the calling code (calling codes are prefix-free, so the first match is the
     * one), keeps the rest as the national number unless the country's national prefix starts it, and the
     * number normalises to itself. Whether it is possible is then libphonenumber's own length check. Empty when
     * the full parse must decide: other characters, a national number that starts with 0 (Italian leading
     * zeros) or with the national prefix (which the parse may strip), or no known calling code.
     */
    static Optional<Boolean> alreadyE164(String number) {
        int length = number.length();
        if (length < 4 || length > MAX_E164_LENGTH || number.charAt(0) != '+' || number.charAt(1) == '0') {
            return Optional.empty();
        }
        for (int i = 1; i < length; i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        for (int end = 2; end <= 1 + MAX_COUNTRY_CODE_LENGTH; end++) {
            int code = Integer.parseInt(number, 1, end, 10);
            if (CALLING_CODES.contains(code)) {
                String national = number.substring(end);
                if (national.length() < 2 || national.charAt(0) == '0' || startsWithNationalPrefix(code, national)) {
                    return Optional.empty();
                }
                PhoneNumber parsed = new PhoneNumber().setCountryCode(code).setNationalNumber(Long.parseLong(national));
                return Optional.of(UTIL.isPossibleNumber(parsed));
            }
        }
        return Optional.empty();
    }

    private static boolean startsWithNationalPrefix(int callingCode, String national) {
        return NATIONAL_PREFIXES.computeIfAbsent(callingCode, PhoneNumbers::nationalPrefix)
                .map(prefix -> prefix.matcher(national).lookingAt()).orElse(false);
    }

    private static Optional<Pattern> nationalPrefix(int callingCode) {
        String region = UTIL.getRegionCodeForCountryCode(callingCode);
        PhoneMetadata metadata = NON_GEOGRAPHIC_REGION.equals(region)
                ? METADATA.getMetadataForNonGeographicalRegion(callingCode)
                : METADATA.getMetadataForRegion(region);
        if (metadata == null) {
            return Optional.of(Pattern.compile("")); // matches every number: the full parse decides
        }
        String prefix = metadata.getNationalPrefixForParsing();
        return prefix.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(prefix));
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
