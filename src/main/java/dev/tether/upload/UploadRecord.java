package dev.tether.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.batch.CleanInput;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentValues;
import dev.tether.config.Limits;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.profile.EventData;
import dev.tether.profile.ProfileData;
import dev.tether.profile.PropertyChange;
import java.util.List;
import java.util.Optional;

/** One record of an upload, validated: a profile update or an event, and the user it names. */
public sealed interface UploadRecord permits UploadRecord.ProfileUpload, UploadRecord.EventUpload {
    int BLOCKED_CODE = 553;
    /** A record whose merges would take its profile past the account's merge limit (docs/API.md section 3). */
    int MERGE_LIMIT_CODE = 554;

    UserRef user();

    record ProfileUpload(UserRef user, List<PropertyChange> changes) implements UploadRecord {
        /** The identity values this record sets through profileData (Identity, Email, Phone), normalised. */
        public List<IdentityKey> identityValues() {
            return changes.stream()
                    .filter(c -> c.operation() == PropertyChange.Operation.SET)
                    .flatMap(c -> IdentityKind.ofProfileKey(c.key())
                            .map(kind -> new IdentityKey(kind, c.operand().asText())).stream())
                    .toList();
        }
    }

    record EventUpload(UserRef user, String name, long ts, ObjectNode data) implements UploadRecord {
    }

    static UploadRecord parse(JsonNode record, Account account, Limits limits, long now) {
        if (record == null || !record.isObject()) {
            throw new RecordRejected(524, "Record must be an object of type profile or event");
        }
        String type = record.path("type").asText("");
        if (!type.equals("profile") && !type.equals("event")) {
            throw new RecordRejected(524, "Record type must be profile or event");
        }
        UserRef user = UserRef.of(record, account);
        SentValues.identity(record.get("identity")).ifPresent(identity -> refuseBlocked(account, identity));
        long ts = timestamp(record.get("ts")).orElse(now);
        UploadRecord parsed;
        if (type.equals("profile")) {
            ProfileUpload profile = new ProfileUpload(user, ProfileData.parse(record.get("profileData"), limits));
            profile.identityValues().stream().filter(key -> key.kind() != IdentityKind.PHONE)
                    .forEach(key -> refuseBlocked(account, key.value()));
            parsed = profile;
        } else {
            parsed = new EventUpload(user, EventData.name(record.get("evtName")), ts,
                    EventData.data(record.get("evtData"), limits));
        }
        CleanInput.requireClean(record);
        return parsed;
    }

    /**
     * 553 for a value that identifies nobody in the account (its blocked values: an SDK's "null", a shop tablet's
     * email), before any binding is read: the record is not applied.
     */
    private static void refuseBlocked(Account account, String value) {
        if (account.blockedValues().blocks(value)) {
            throw new RecordRejected(BLOCKED_CODE, "Identity value is blocked for this account");
        }
    }

    private static Optional<Long> timestamp(JsonNode ts) {
        if (ts == null || ts.isNull()) {
            return Optional.empty();
        }
        if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.asLong() <= 0) {
            throw new RecordRejected(525, "ts must be a positive integer of epoch seconds");
        }
        return Optional.of(ts.asLong());
    }
}
