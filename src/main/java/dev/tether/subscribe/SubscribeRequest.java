package dev.tether.subscribe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.Checked;
import dev.tether.batch.RecordRejected;
import dev.tether.batch.SentAddress;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import java.util.List;

/**
 * A parsed {@code POST /1/subscribe}: the records as sent, each validated to a normalised address (a phone number
 * or an email address) and the status to set on it.
 */
public record SubscribeRequest(List<JsonNode> records, List<Checked<Subscription>> subscriptions) {

    /** One record: set {@code status} on {@code address}. */
    public record Subscription(IdentityKey address, SubscriptionStatus status) {
    }

    public static SubscribeRequest parse(List<JsonNode> records) {
        return new SubscribeRequest(records, records.stream()
                .map(record -> Checked.of(() -> subscriptionOf(record))).toList());
    }

    /** Validates one record in the order of the API's table: 541, then 516 or 515, then 550. */
    private static Subscription subscriptionOf(JsonNode record) {
        IdentityKey address = SentAddress.of(record, List.of(IdentityKind.PHONE, IdentityKind.EMAIL),
                "Record type is not valid. Expected type 'phone' or 'email'");
        JsonNode status = record.get("status");
        SubscriptionStatus parsed = SubscriptionStatus.fromWireName(status != null && status.isTextual()
                        ? status.asText() : "")
                .orElseThrow(() -> new RecordRejected(550,
                        "Subscription status is not valid. Expected 'Unsubscribe' or 'Resubscribe'"));
        return new Subscription(address, parsed);
    }
}
