package dev.tether.upload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** A profile as the batch sees it: loaded from the store or created by the batch, with its active identities. */
final class ProfileState {
    final String guid;
    final long createdAt;
    final boolean isNew;
    final Optional<String> mergedInto;
    private ObjectNode properties;
    private boolean changed;
    final Map<IdentityKind, BindingState> identities = new EnumMap<>(IdentityKind.class);

    ProfileState(String guid, ObjectNode properties, long createdAt, boolean isNew, Optional<String> mergedInto) {
        this.guid = guid;
        this.properties = properties;
        this.createdAt = createdAt;
        this.isNew = isNew;
        this.mergedInto = mergedInto;
    }

    ObjectNode properties() {
        return properties;
    }

    void replaceProperties(ObjectNode updated) {
        if (!updated.equals(properties)) {
            properties = updated;
            changed = true;
        }
    }

    void removeProperty(String key) {
        if (properties.has(key)) {
            properties = properties.deepCopy();
            properties.remove(key);
            changed = true;
        }
    }

    /**
     * Marks a profile that gained a binding or an event as written, so that its row is updated with the batch.
     * A concurrent delete of it then conflicts with the batch (and one of them runs again) instead of missing
     * the new rows and leaving them without their profile.
     */
    void touch() {
        changed = true;
    }

    boolean changed() {
        return changed;
    }

    Optional<IdentityKey> identity(IdentityKind kind) {
        return Optional.ofNullable(identities.get(kind)).map(b -> b.key);
    }
}
