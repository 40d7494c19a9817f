package dev.tether.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** A profile as the unit of work sees it: loaded from the store or created by it, with its active identities. */
public final class ProfileState {
    final String guid;
    final long createdAt;
    final boolean isNew;
    Optional<String> mergedInto;
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

    public String guid() {
        return guid;
    }

    /** The properties as they stand in this unit of work; a copy, to change through the identity core. */
    public ObjectNode properties() {
        return properties.deepCopy();
    }

    /** The unit's own node, changed in place by the core, which marks the profile changed when it does. */
    ObjectNode ownProperties() {
        return properties;
    }

    void replaceProperties(ObjectNode updated) {
        if (!updated.equals(properties)) {
            properties = updated;
            changed = true;
        }
    }

    void putText(String key, String value) {
        JsonNode current = properties.get(key);
        if (current == null || !current.isTextual() || !current.textValue().equals(value)) {
            properties.put(key, value);
            changed = true;
        }
    }

    void removeProperty(String key) {
        if (properties.remove(key) != null) {
            changed = true;
        }
    }

    /**
     * Marks a profile whose bindings changed as written, so that its row (and its {@code updated_at}) is updated with
     * the unit; one that gained only events is not written.
     */
    void touch() {
        changed = true;
    }

    boolean changed() {
        return changed;
    }

    public Optional<IdentityKey> identity(IdentityKind kind) {
        return Optional.ofNullable(identities.get(kind)).map(b -> b.key);
    }
}
