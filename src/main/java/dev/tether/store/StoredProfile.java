package dev.tether.store;

import java.util.Optional;

/** A profile row: its GUID, its properties as a JSON object text, and the profile it was merged into, if any. */
public record StoredProfile(String guid, String propertiesJson, long createdAt, long updatedAt,
                            Optional<String> mergedInto) {
    public static StoredProfile created(String guid, String propertiesJson, long at) {
        return new StoredProfile(guid, propertiesJson, at, at, Optional.empty());
    }
}
