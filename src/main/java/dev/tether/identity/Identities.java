package dev.tether.identity;

import org.jspecify.annotations.Nullable;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.CleanInput;
import java.util.Optional;

/** Normalisation of a raw value for any identity kind: the single entry point every path uses. */
public final class Identities {
    private static final int MAX_LENGTH = 512;

    private Identities() {
    }

    /** The value as this kind stores it; empty when it is not a valid value of the kind (text with control characters never is). */
    public static Optional<IdentityKey> normalize(IdentityKind kind, @Nullable String raw) {
        if (raw == null || !CleanInput.isClean(raw)) {
            return Optional.empty();
        }
        return normalizedValue(kind, raw).map(v -> new IdentityKey(kind, v));
    }

    /**
     * The one rule for an identity value as a client sends it (an {@code identity}, {@code FBID} or {@code GPID}
     * field, an {@code Identity} property, a value to delete): a non-empty string, or a number, taken as the text
     * JSON writes it in ({@code 42}, {@code 1.5}). Anything else names nobody.
     */
    public static Optional<String> sentValue(@Nullable JsonNode value) {
        if (value == null || !(value.isTextual() || value.isNumber()) || value.asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    private static Optional<String> normalizedValue(IdentityKind kind, String raw) {
        switch (kind) {
            case PHONE:
                return PhoneNumbers.normalize(raw);
            case EMAIL:
                return Emails.normalize(raw);
            default:
                return raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH ? Optional.empty() : Optional.of(raw);
        }
    }
}
