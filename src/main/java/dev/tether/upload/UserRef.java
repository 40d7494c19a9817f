package dev.tether.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentValues;
import dev.tether.identity.Guids;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.List;
import java.util.Optional;

/**
 * How a record names its user, in CleverTap's precedence: objectId, then identity, then FBID, then GPID.
 * Either a GUID, or the identity keys to look the user up by, in order, normalised once when the record is
 * read (outside the transaction): an {@code identity} value as each enabled kind, Identity, Email, Phone;
 * FBID and GPID as themselves.
 */
public record UserRef(Optional<String> guid, List<IdentityKey> lookupKeys) {

    public static UserRef of(JsonNode record, Account account) {
        JsonNode objectId = record.get("objectId");
        if (objectId != null && !objectId.isNull()) {
            if (!objectId.isTextual() || !Guids.isWellFormed(objectId.asText())) {
                throw new RecordRejected(526, "objectId is not valid: " + Guids.FORM);
            }
            return new UserRef(Optional.of(objectId.asText()), List.of());
        }
        Optional<String> identity = SentValues.identity(record.get("identity"));
        if (identity.isPresent()) {
            return byKeys(account.lookupKeys(identity.get()));
        }
        for (IdentityKind kind : List.of(IdentityKind.FBID, IdentityKind.GPID)) {
            Optional<String> value = SentValues.identity(record.get(kind.storedName()));
            if (value.isPresent()) {
                return byKeys(Identities.normalize(kind, value.get()).stream().toList());
            }
        }
        throw new RecordRejected(523, "Record has no user: one of objectId, identity, FBID or GPID is required");
    }

    private static UserRef byKeys(List<IdentityKey> keys) {
        if (keys.isEmpty()) {
            throw new RecordRejected(523, "identity is not valid");
        }
        return new UserRef(Optional.empty(), keys);
    }
}
