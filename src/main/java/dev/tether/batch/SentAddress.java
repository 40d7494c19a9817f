package dev.tether.batch;

import dev.tether.identity.PhoneNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The address a record of disassociate or subscribe names, {@code {"type":"phone","value":"..."}}: its {@code type}
 * (without regard to case) one of the kinds allowed, else 541 with the caller's text; its {@code value} a valid
 * address of that kind, normalised, else 516 (phone) or 515 (email).
 */
public final class SentAddress {
    private SentAddress() {
    }

    public static IdentityKey of(@Nullable JsonNode record, List<IdentityKind> kinds, String typeError) {
        if (record == null || !record.isObject()) {
            throw new RecordRejected(541, typeError);
        }
        String type = record.path("type").isTextual() ? record.path("type").asText() : "";
        IdentityKind kind = kinds.stream().filter(k -> k.storedName().equalsIgnoreCase(type)).findFirst()
                .orElseThrow(() -> new RecordRejected(541, typeError));
        JsonNode value = record.get("value");
        return Identities.normalize(kind, value != null && value.isTextual() ? value.asText() : null)
                .orElseThrow(() -> kind == IdentityKind.PHONE ? new RecordRejected(PhoneNumbers.INVALID_CODE,
                        PhoneNumbers.INVALID)
                        : new RecordRejected(515, "Email is not valid"));
    }
}
