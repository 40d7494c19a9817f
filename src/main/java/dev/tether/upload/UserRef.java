package dev.tether.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.RecordRejected;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKind;
import java.util.Optional;

/**
 * How a record names its user, in CleverTap's precedence: objectId, then identity, then FBID, then GPID.
 * {@code kind} is empty for objectId, IDENTITY for an identity value (looked up as every enabled kind), and
 * FBID or GPID for those.
 */
public record UserRef(Optional<IdentityKind> kind, String value) {

    public boolean isGuid() {
        return kind.isEmpty();
    }

    public static UserRef of(JsonNode record) {
        JsonNode objectId = record.get("objectId");
        if (objectId != null && !objectId.isNull()) {
            if (!objectId.isTextual() || !Guids.isWellFormed(objectId.asText())) {
                throw new RecordRejected(526, "objectId is not valid: 1 to 64 letters, digits, '_' or '-'");
            }
            return new UserRef(Optional.empty(), objectId.asText());
        }
        for (String field : new String[] {"identity", "FBID", "GPID"}) {
            JsonNode value = record.get(field);
            if (isScalar(value)) {
                IdentityKind kind = field.equals("identity") ? IdentityKind.IDENTITY : IdentityKind.valueOf(field);
                return new UserRef(Optional.of(kind), value.asText());
            }
        }
        throw new RecordRejected(523, "Record has no user: one of objectId, identity, FBID or GPID is required");
    }

    /** A string or a number (numbers are stringified); an empty string names nobody. */
    private static boolean isScalar(JsonNode value) {
        return value != null && (value.isTextual() || value.isNumber()) && !value.asText().isEmpty();
    }
}
