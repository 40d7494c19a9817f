package dev.tether.disassociate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.Checked;
import dev.tether.batch.Days;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentAddress;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code POST /1/disassociate}: the records as sent, each validated to a normalised phone number and, where
 * it names one, the day the number was disconnected ({@code "disconnectedOn":"YYYY-MM-DD"}).
 */
public record DisassociateRequest(List<JsonNode> records, List<Checked<Disconnection>> disconnections) {
    /** One record: the number, and the day a carrier says it was disconnected, if the record says. */
    public record Disconnection(IdentityKey phone, Optional<LocalDate> disconnectedOn) {
    }

    /** The records, with {@code today} (UTC) the last day a disconnection can have been on. */
    public static DisassociateRequest parse(Account account, List<JsonNode> records, LocalDate today) {
        return new DisassociateRequest(records, records.stream()
                .map(record -> Checked.of(() -> disconnectionOf(account, record, today))).toList());
    }

    /** Validates one record in the order of the API's table: 541, then 516, then 545, then 542. */
    private static Disconnection disconnectionOf(Account account, JsonNode record, LocalDate today) {
        IdentityKey key = SentAddress.of(record, List.of(IdentityKind.PHONE),
                "Record type is not valid. Expected type 'phone'");
        Optional<LocalDate> day = Optional.empty();
        JsonNode sent = record.get("disconnectedOn");
        if (sent != null) {
            LocalDate disconnected = Days.of(sent.isTextual() ? sent.asText() : "");
            if (disconnected.isAfter(today)) {
                throw new RecordRejected(Days.NOT_VALID_CODE, Days.NOT_VALID);
            }
            day = Optional.of(disconnected);
        }
        if (!account.isIdentity(IdentityKind.PHONE)) {
            throw new RecordRejected(542, "Phone is not an identity for this account");
        }
        return new Disconnection(key, day);
    }

    List<IdentityKey> valid() {
        return disconnections.stream().flatMap(c -> c.value().stream()).map(Disconnection::phone).toList();
    }

    /** The numbers sent with a day of disconnection. */
    List<IdentityKey> dated() {
        return disconnections.stream().flatMap(c -> c.value().stream())
                .filter(d -> d.disconnectedOn().isPresent()).map(Disconnection::phone).toList();
    }
}
