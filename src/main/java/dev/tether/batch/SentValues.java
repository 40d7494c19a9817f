package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** How a value a client sends in JSON becomes the text of an identity. */
public final class SentValues {
    private SentValues() {
    }

    /**
     * The one rule for an identity value as a client sends it (an {@code identity}, {@code FBID} or {@code GPID}
     * field, an {@code Identity} property, a value to delete): a non-empty string, or a number, taken as the text
     * JSON writes it in ({@code 42}, {@code 1.5}). Anything else names nobody.
     */
    public static Optional<String> identity(@Nullable JsonNode value) {
        if (value == null || !(value.isTextual() || value.isNumber()) || value.asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }
}
