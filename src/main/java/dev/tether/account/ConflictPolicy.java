package dev.tether.account;

import java.util.Locale;

/** What an upload does when profileData names an identity that another profile holds. */
public enum ConflictPolicy {
    /** The record is not processed (code 544). The default: nothing moves without being asked. */
    REJECT,
    /** The value leaves the other profile (reason transferred) and binds here. */
    TRANSFER,
    /** CleverTap's classic behaviour: the other profile is merged into this one. */
    MERGE;

    public String storedName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConflictPolicy fromStoredName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
