package dev.tether.identity;

import java.util.Locale;

/** Why a binding started or ended; kept in the identity history. */
public enum BindingReason {
    UPLOADED, REPLACED, DISASSOCIATED, TRANSFERRED, MERGED, DEMERGED, DELETED;

    /**
     * Whether the value stays with the same person when a binding ends for this reason: only a merge, which moves
     * it to another profile of the same person. Every other end is the value leaving its holder (so the holder's
     * mirrored property goes, and the reassignment check counts it as a change of hands).
     */
    public boolean keepsTheValueWithThePerson() {
        return this == MERGED;
    }

    public String storedName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BindingReason fromStoredName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
