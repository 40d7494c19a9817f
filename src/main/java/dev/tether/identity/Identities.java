package dev.tether.identity;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Normalisation of a raw value for any identity kind: the single entry point every path uses. */
public final class Identities {
    private static final int MAX_LENGTH = 512;

    private Identities() {
    }

    /** The value as this kind stores it; empty when it is not a valid value of the kind (text with control characters never is). */
    public static Optional<IdentityKey> normalize(IdentityKind kind, @Nullable String raw) {
        if (raw == null || !CleanText.isClean(raw)) {
            return Optional.empty();
        }
        return normalizedValue(kind, raw).map(v -> new IdentityKey(kind, v));
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
