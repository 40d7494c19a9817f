package dev.tether.bulk;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.tether.identity.PhoneNumbers;
import java.util.Locale;
import java.util.Optional;

/**
 * The numbers of a carrier's or a CRM's file as the API takes them. Numbers with a {@code +} are checked by the
 * server's own rule ({@link PhoneNumbers}); numbers written without their country code ({@code (415) 555-0142},
 * {@code 14155550142}) are read as numbers of the default country when one is given, and are invalid without it:
 * the server never guesses a country, and neither does the tool.
 */
final class LocalNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private final Optional<String> defaultCountry;

    LocalNumbers(Optional<String> defaultCountry) {
        this.defaultCountry = defaultCountry.map(c -> c.toUpperCase(Locale.ROOT));
        this.defaultCountry.ifPresent(country -> {
            if (!UTIL.getSupportedRegions().contains(country)) {
                throw new IllegalArgumentException("--default-country must be a two-letter country code such as "
                        + "US or IN, not '" + country + "'");
            }
        });
    }

    /** The option that changes what a number becomes, in words (for the state file). */
    String settings() {
        return defaultCountry.map(country -> "--default-country " + country).orElse("");
    }

    /** The number in E.164 form, or none when it is not a valid number. */
    Optional<String> normalize(String raw) {
        String value = raw.trim();
        if (value.startsWith("+") || defaultCountry.isEmpty()) {
            return PhoneNumbers.normalize(value);
        }
        try {
            PhoneNumber number = UTIL.parse(value, defaultCountry.get());
            return PhoneNumbers.normalize(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
