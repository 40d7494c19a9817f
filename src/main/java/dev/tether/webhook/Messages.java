package dev.tether.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tether.core.IdentityChange;
import dev.tether.identity.Guids;
import dev.tether.store.NewMessage;
import dev.tether.store.OutboxMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The webhook message of each identity change: {@code {"type", "timestamp", "data"}}, where data names the account,
 * the profile ({@code objectId}), the identity and the reason the change happened for. The outbox keeps the change's
 * fields only (writing them is on the request's path); the body is made from them when the message is sent, the
 * same bytes on every attempt.
 */
final class Messages {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Messages() {
    }

    static MessageType typeOf(IdentityChange change) {
        if (change instanceof IdentityChange.BindingStarted) {
            return MessageType.IDENTITY_BOUND;
        } else if (change instanceof IdentityChange.BindingEnded) {
            return MessageType.IDENTITY_UNBOUND;
        } else if (change instanceof IdentityChange.ProfileMerged) {
            return MessageType.PROFILE_MERGED;
        } else if (change instanceof IdentityChange.ProfileDemerged) {
            return MessageType.PROFILE_DEMERGED;
        } else if (change instanceof IdentityChange.ProfileDeleted) {
            return MessageType.PROFILE_DELETED;
        } else if (change instanceof IdentityChange.MergeRefused) {
            return MessageType.PROFILE_MERGE_REFUSED;
        } else if (change instanceof IdentityChange.SubscriptionChanged) {
            return MessageType.SUBSCRIPTION_CHANGED;
        }
        throw new IllegalArgumentException("no message type for " + change);
    }

    /** The message of a change as the outbox keeps it: its id, type and the change's fields. */
    static NewMessage of(IdentityChange change) {
        MessageType type = typeOf(change);
        String at = Long.toString(change.at());
        String payload;
        if (change instanceof IdentityChange.BindingStarted started) {
            payload = Payload.join(at, started.guid(), started.key().kind().storedName(), started.key().value(),
                    started.reason().storedName());
        } else if (change instanceof IdentityChange.BindingEnded ended) {
            payload = Payload.join(at, ended.guid(), ended.key().kind().storedName(), ended.key().value(),
                    ended.reason().storedName());
        } else if (change instanceof IdentityChange.ProfileMerged merged) {
            payload = Payload.join(at, merged.into(), merged.from());
        } else if (change instanceof IdentityChange.ProfileDemerged demerged) {
            payload = Payload.join(at, demerged.guid(), demerged.from());
        } else if (change instanceof IdentityChange.ProfileDeleted deleted) {
            payload = Payload.join(at, deleted.guid());
        } else if (change instanceof IdentityChange.MergeRefused refused) {
            payload = Payload.join(at, refused.into(), refused.from(), Integer.toString(refused.mergedInADay()));
        } else if (change instanceof IdentityChange.SubscriptionChanged subscribed) {
            payload = Payload.join(at, subscribed.address().kind().storedName(), subscribed.address().value(),
                    subscribed.status().wireName());
        } else {
            throw new IllegalArgumentException("no message for " + change);
        }
        return new NewMessage("msg_" + Guids.newGuid(), type.wireName(), payload);
    }

    /**
     * The body of a message, made from what the outbox kept, the same on every attempt:
     * {@code {"type", "timestamp", "data": {"accountId", "objectId", ..., "reason", "at"}}}.
     */
    static String body(String accountId, OutboxMessage message) {
        MessageType type = MessageType.fromWireName(message.type()).orElseThrow(() ->
                new IllegalStateException("unknown message type in the outbox: " + message.type()));
        List<String> fields = Payload.split(message.payload());
        long at = Long.parseLong(fields.get(0));
        StringWriter body = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(body)) {
            json.writeStartObject();
            json.writeStringField("type", type.wireName());
            json.writeStringField("timestamp", Instant.ofEpochSecond(at).toString());
            json.writeObjectFieldStart("data");
            json.writeStringField("accountId", accountId);
            switch (type) {
                case IDENTITY_BOUND, IDENTITY_UNBOUND -> {
                    json.writeStringField("objectId", fields.get(1));
                    json.writeStringField("kind", fields.get(2));
                    json.writeStringField("value", fields.get(3));
                    json.writeStringField("reason", fields.get(4));
                }
                case PROFILE_MERGED -> {
                    json.writeStringField("objectId", fields.get(1));
                    json.writeStringField("mergedObjectId", fields.get(2));
                    json.writeStringField("reason", "merged");
                }
                case PROFILE_DEMERGED -> {
                    json.writeStringField("objectId", fields.get(1));
                    json.writeStringField("demergedFrom", fields.get(2));
                    json.writeStringField("reason", "demerged");
                }
                case PROFILE_DELETED -> {
                    json.writeStringField("objectId", fields.get(1));
                    json.writeStringField("reason", "deleted");
                }
                case PROFILE_MERGE_REFUSED -> {
                    json.writeStringField("objectId", fields.get(1));
                    json.writeStringField("refusedObjectId", fields.get(2));
                    json.writeNumberField("mergedInADay", Integer.parseInt(fields.get(3)));
                    json.writeStringField("reason", "merge_limit");
                }
                case SUBSCRIPTION_CHANGED -> {
                    json.writeNullField("objectId");
                    json.writeStringField("kind", fields.get(1));
                    json.writeStringField("value", fields.get(2));
                    json.writeStringField("status", fields.get(3));
                    json.writeStringField("reason", "subscribed");
                }
            }
            json.writeNumberField("at", at);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return body.toString();
    }
}
