package dev.tether.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.Checked;
import dev.tether.config.Limits;
import java.util.List;

/**
 * A parsed {@code POST /1/upload}: the records as sent (failed ones are echoed back), each validated with its
 * lookup keys normalised, outside any transaction.
 */
public record UploadRequest(List<JsonNode> records, List<Checked<UploadRecord>> checked) {

    /** Validates every record; {@code now} is the time of a record without {@code ts}. */
    public static UploadRequest parse(Account account, List<JsonNode> records, Limits limits, long now) {
        return new UploadRequest(records, records.stream()
                .map(record -> Checked.of(() -> UploadRecord.parse(record, account, limits, now)))
                .toList());
    }

    List<UploadRecord> valid() {
        return checked.stream().flatMap(c -> c.value().stream()).toList();
    }
}
