package dev.tether.identity;

import java.util.Locale;

/** Why a binding started or ended; kept in the identity history. */
public enum BindingReason {
    UPLOADED, REPLACED, DISASSOCIATED, TRANSFERRED, MERGED, DEMERGED, DELETED;

    public String storedName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BindingReason fromStoredName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
