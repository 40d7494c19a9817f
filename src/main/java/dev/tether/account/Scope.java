package dev.tether.account;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a passcode may do (docs/API.md section 20, "Scopes"): {@code read} profiles, exports, counts, the history and
 * both checks; {@code write} (upload, subscribe); {@code disassociate}; {@code delete} (delete and demerge); read the
 * {@code audit} trail.
 */
public enum Scope {
    READ, WRITE, DISASSOCIATE, DELETE, AUDIT;

    /** Every scope: what a passcode made before scopes existed keeps, and a new one gets unless told. */
    public static final Set<Scope> ALL = Set.copyOf(EnumSet.allOf(Scope.class));

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Scopes as written: comma-separated wire names, at least one; anything else is refused with what is known. */
    public static Set<Scope> parse(String written) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : written.split(",", -1)) {
            String name = part.trim();
            scopes.add(Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no scope '" + name + "': scopes are "
                            + written(ALL))));
        }
        return Set.copyOf(scopes);
    }

    /** The scopes in the one order they are stored and shown in: this enum's. */
    public static List<Scope> inOrder(Set<Scope> scopes) {
        return Arrays.stream(values()).filter(scopes::contains).toList();
    }

    /** The scopes as stored and shown: their wire names in order, comma-separated. */
    public static String written(Set<Scope> scopes) {
        return inOrder(scopes).stream().map(Scope::wireName).collect(Collectors.joining(","));
    }
}
