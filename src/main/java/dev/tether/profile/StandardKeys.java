package dev.tether.profile;

import dev.tether.identity.PhoneNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentValues;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** CleverTap's standard profile keys and the validation of their values (codes 514 to 520, 549). */
public final class StandardKeys {
    public static final Set<String> MESSAGE_FLAGS = Set.of("MSG-email", "MSG-sms", "MSG-whatsapp", "MSG-push");
    private static final Set<String> KEYS = Set.of("Name", "Email", "Phone", "Identity", "Gender", "DOB", "Age",
            "Employed", "Education", "Married", "Photo", "Customer Type", "MSG-email", "MSG-sms", "MSG-whatsapp",
            "MSG-push");
    private static final Set<String> EDUCATION = Set.of("School", "College", "Graduate");
    private static final Set<String> YES_NO = Set.of("Y", "N");

    private StandardKeys() {
    }

    public static boolean isStandard(String key) {
        return KEYS.contains(key);
    }

    /** The value to store for a standard key, normalised, or a rejection with the key's code. */
    public static JsonNode validated(String key, JsonNode value) {
        switch (key) {
            case "Email":
                return text(Identities.normalize(IdentityKind.EMAIL, textOf(value)).map(IdentityKey::value).orElseThrow(
                        () -> new RecordRejected(515, "Email is not valid")));
            case "Phone":
                return text(Identities.normalize(IdentityKind.PHONE, textOf(value)).map(IdentityKey::value).orElseThrow(
                        () -> new RecordRejected(PhoneNumbers.INVALID_CODE, PhoneNumbers.INVALID)));
            case "Identity":
                return text(SentValues.identity(value).flatMap(v -> Identities.normalize(IdentityKind.IDENTITY, v))
                        .map(IdentityKey::value).orElseThrow(() -> new RecordRejected(523, "Identity is not valid")));
            case "Gender":
                return oneOf(value, Set.of("M", "F"), 514, "Gender must be M or F");
            case "Employed":
                return oneOf(value, YES_NO, 517, "Employed must be Y or N");
            case "Married":
                return oneOf(value, YES_NO, 519, "Married must be Y or N");
            case "Education":
                if (!value.isTextual() || !EDUCATION.contains(value.asText())) {
                    throw new RecordRejected(518, "Education must be School, College or Graduate");
                }
                return value;
            case "Age":
                return age(value);
            default:
                if (MESSAGE_FLAGS.contains(key) && !value.isBoolean()) {
                    throw new RecordRejected(549, key + " must be true or false");
                }
                return value;
        }
    }

    private static JsonNode oneOf(JsonNode value, Set<String> allowed, int code, String message) {
        String upper = value.isTextual() ? value.asText().toUpperCase(Locale.ROOT) : "";
        if (!allowed.contains(upper)) {
            throw new RecordRejected(code, message);
        }
        return text(upper);
    }

    private static JsonNode age(JsonNode value) {
        if (value.isNumber()) {
            return value;
        }
        if (value.isTextual()) {
            try {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(value.asText().trim()));
            } catch (NumberFormatException e) {
                // falls through to the rejection
            }
        }
        throw new RecordRejected(520, "Age must be a number");
    }

    private static @Nullable String textOf(JsonNode value) {
        return value.isTextual() ? value.asText() : null;
    }

    private static JsonNode text(String value) {
        return JsonNodeFactory.instance.textNode(value);
    }
}
