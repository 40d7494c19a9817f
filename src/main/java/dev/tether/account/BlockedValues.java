package dev.tether.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identity values that never identify anyone in an account (docs/API.md section 3, "Blocked values"): an SDK's {@code "null"}, a shop
 * tablet's email. Compared without regard to case after trimming. The account's own list when it set one (an empty
 * list blocks nothing), else the defaults: {@link #DEFAULTS}, and any value made only of {@code 0 - _ .} and spaces.
 */
public record BlockedValues(Optional<List<String>> own) {
    public static final List<String> DEFAULTS = List.of("null", "undefined", "nil", "none", "unknown", "anonymous",
            "guest", "[object Object]", "NaN", "-1", "0");
    /** The defaults' rule beside their list. */
    public static final String FILLER_RULE = "any value made only of 0, -, _, . and spaces";
    private static final Pattern FILLER = Pattern.compile("[0\\-_. ]+");

    public BlockedValues {
        own = own.map(List::copyOf);
    }

    public static BlockedValues defaults() {
        return new BlockedValues(Optional.empty());
    }

    /** The account's own list: each value trimmed, blank ones left out. */
    public static BlockedValues of(List<String> values) {
        return new BlockedValues(Optional.of(values.stream().map(String::trim).filter(v -> !v.isEmpty())
                .distinct().toList()));
    }

    public boolean blocks(String value) {
        String trimmed = value.trim();
        if (own.isPresent()) {
            return own.get().stream().anyMatch(blocked -> blocked.equalsIgnoreCase(trimmed));
        }
        return DEFAULTS.stream().anyMatch(blocked -> blocked.equalsIgnoreCase(trimmed))
                || FILLER.matcher(trimmed).matches();
    }

    /** The values as {@code account show} prints them: the account's own, or the defaults with their rule. */
    public List<String> describe() {
        return own.orElseGet(() -> {
            List<String> shown = new ArrayList<>(DEFAULTS);
            shown.add("(" + FILLER_RULE + ")");
            return shown;
        });
    }
}
