package dev.tether.reassigned;

import dev.tether.identity.PhoneNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.Checked;
import dev.tether.batch.Days;
import dev.tether.batch.RecordRejected;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.time.LocalDate;
import java.util.List;

/**
 * A parsed {@code POST /1/identity/reassigned.json}: the records as sent, each validated to a normalised phone
 * number and a day, {@code {"phone":"+1..","date":"YYYY-MM-DD"}}.
 */
public record ReassignedRequest(List<JsonNode> records, List<Checked<Question>> questions) {

    /** Has this number changed hands on or after this day? */
    public record Question(IdentityKey phone, LocalDate date) {
    }

    public static ReassignedRequest parse(List<JsonNode> records) {
        return new ReassignedRequest(records, records.stream()
                .map(record -> Checked.of(() -> questionOf(record))).toList());
    }

    /** 516 for a record that is not an object or a phone that is not valid, then 545 for the date. */
    private static Question questionOf(JsonNode record) {
        JsonNode phone = record == null || !record.isObject() ? null : record.get("phone");
        IdentityKey key = Identities.normalize(IdentityKind.PHONE, phone != null && phone.isTextual()
                        ? phone.asText() : null)
                .orElseThrow(() -> new RecordRejected(PhoneNumbers.INVALID_CODE, PhoneNumbers.INVALID));
        JsonNode date = record.get("date");
        return new Question(key, Days.of(date != null && date.isTextual() ? date.asText() : ""));
    }

    List<IdentityKey> phones() {
        return questions.stream().flatMap(q -> q.value().stream()).map(Question::phone).toList();
    }
}
