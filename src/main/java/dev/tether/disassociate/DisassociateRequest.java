package dev.tether.disassociate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.Checked;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentAddress;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.List;

/** A parsed {@code POST /1/disassociate}: the records as sent, each validated to a normalised phone number. */
public record DisassociateRequest(List<JsonNode> records, List<Checked<IdentityKey>> phones) {

    public static DisassociateRequest parse(Account account, List<JsonNode> records) {
        return new DisassociateRequest(records, records.stream()
                .map(record -> Checked.of(() -> phoneOf(account, record))).toList());
    }

    /** Validates one record in the order of the API's table: 541, then 516, then 542. */
    private static IdentityKey phoneOf(Account account, JsonNode record) {
        IdentityKey key = SentAddress.of(record, List.of(IdentityKind.PHONE),
                "Record type is not valid. Expected type 'phone'");
        if (!account.isIdentity(IdentityKind.PHONE)) {
            throw new RecordRejected(542, "Phone is not an identity for this account");
        }
        return key;
    }

    List<IdentityKey> valid() {
        return phones.stream().flatMap(c -> c.value().stream()).toList();
    }
}
