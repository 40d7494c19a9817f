package dev.tether.identity;

import java.util.Optional;

/** The kinds of identity a profile can hold. The stored name is the one CleverTap uses in profileData. */
public enum IdentityKind {
    IDENTITY("Identity"),
    EMAIL("Email"),
    PHONE("Phone"),
    FBID("FBID"),
    GPID("GPID");

    /** Read for every stored binding: one array, not a copy per call. */
    private static final IdentityKind[] KINDS = values();

    private final String storedName;

    IdentityKind(String storedName) {
        this.storedName = storedName;
    }

    public String storedName() {
        return storedName;
    }

    public static IdentityKind fromStoredName(String name) {
        for (IdentityKind kind : KINDS) {
            if (kind.storedName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown identity kind " + name);
    }

    /**
     * The profile property that mirrors an active binding of this kind (Identity, Email, Phone). When a binding
     * is cut from a profile (disassociated, transferred away), this property goes with it.
     */
    public String propertyKey() {
        return storedName;
    }

    /** The profileData key that binds this kind, when there is one (FBID and GPID are record fields only). */
    public static Optional<IdentityKind> ofProfileKey(String key) {
        switch (key) {
            case "Identity": return Optional.of(IDENTITY);
            case "Email": return Optional.of(EMAIL);
            case "Phone": return Optional.of(PHONE);
            default: return Optional.empty();
        }
    }
}
