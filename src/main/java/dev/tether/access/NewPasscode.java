package dev.tether.access;

import dev.tether.account.Passcodes;
import dev.tether.account.Scope;
import dev.tether.store.PasscodeEntry;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A passcode to add: its name (empty: named by its hint), its scopes and the epoch second it stops working
 * ({@code tether passcode add --expires DAY}: the end of that UTC day). Names are labels: two passcodes may share one,
 * so that a key is rotated under its name (a new one added, the old one revoked).
 */
public record NewPasscode(Optional<String> name, Set<Scope> scopes, Optional<Long> expiresAt) {
    /** What a name may be: it is written into the audit trail's actor and shown by the console. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A passcode with every scope that never expires, named by its hint. */
    public static final NewPasscode ALL = new NewPasscode(Optional.empty(), Scope.ALL, Optional.empty());

    public NewPasscode {
        if (name.filter(n -> !NAME.matcher(n).matches()).isPresent()) {
            throw new IllegalArgumentException("a passcode's name is 1 to 64 letters, digits, '.', '_' or '-', the"
                    + " first a letter or digit: not '" + name.get() + "'");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a passcode has at least one scope");
        }
        scopes = Set.copyOf(scopes);
    }

    static NewPasscode named(String name) {
        return new NewPasscode(Optional.of(name), Scope.ALL, Optional.empty());
    }

    PasscodeEntry entry(String passcode, long now) {
        return new PasscodeEntry(Passcodes.hint(passcode), name.orElse(Passcodes.hint(passcode)), scopes, now,
                expiresAt, Optional.empty(), Optional.empty());
    }

    /** How the audit entry of its making names it (never the passcode itself). */
    String describe(String passcode) {
        return "name " + name.orElse(Passcodes.hint(passcode)) + ", hint " + Passcodes.hint(passcode) + ", scopes "
                + Scope.written(scopes) + expiresAt.map(at -> ", expires at " + at).orElse("");
    }
}
