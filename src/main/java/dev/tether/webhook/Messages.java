package dev.tether.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tether.core.IdentityChange;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import dev.tether.store.NewMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The webhook message of each identity change: {@code {"type", "timestamp", "data"}}, where data names the account,
 * the profile ({@code objectId}), the identity and the reason the change happened for. The body is made once, when
 * the change commits, so that every attempt sends (and signs) the same bytes.
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
        } else if (change instanceof IdentityChange.SubscriptionChanged) {
            return MessageType.SUBSCRIPTION_CHANGED;
        }
        throw new IllegalArgumentException("no message type for " + change);
    }

    static NewMessage of(String accountId, IdentityChange change) {
        MessageType type = typeOf(change);
        StringWriter body = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(body)) {
            json.writeStartObject();
            json.writeStringField("type", type.wireName());
            json.writeStringField("timestamp", Instant.ofEpochSecond(change.at()).toString());
            json.writeObjectFieldStart("data");
            json.writeStringField("accountId", accountId);
            if (change instanceof IdentityChange.BindingStarted started) {
                identity(json, started.guid(), started.key());
                json.writeStringField("reason", started.reason().storedName());
            } else if (change instanceof IdentityChange.BindingEnded ended) {
                identity(json, ended.guid(), ended.key());
                json.writeStringField("reason", ended.reason().storedName());
            } else if (change instanceof IdentityChange.ProfileMerged merged) {
                json.writeStringField("objectId", merged.into());
                json.writeStringField("mergedObjectId", merged.from());
                json.writeStringField("reason", "merged");
            } else if (change instanceof IdentityChange.ProfileDemerged demerged) {
                json.writeStringField("objectId", demerged.guid());
                json.writeStringField("demergedFrom", demerged.from());
                json.writeStringField("reason", "demerged");
            } else if (change instanceof IdentityChange.ProfileDeleted deleted) {
                json.writeStringField("objectId", deleted.guid());
                json.writeStringField("reason", "deleted");
            } else if (change instanceof IdentityChange.SubscriptionChanged subscribed) {
                json.writeNullField("objectId");
                json.writeStringField("kind", subscribed.address().kind().storedName());
                json.writeStringField("value", subscribed.address().value());
                json.writeStringField("status", subscribed.status().wireName());
                json.writeStringField("reason", "subscribed");
            }
            json.writeNumberField("at", change.at());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return new NewMessage("msg_" + Guids.newGuid(), type.wireName(), body.toString());
    }

    private static void identity(JsonGenerator json, String guid, IdentityKey key) throws IOException {
        json.writeStringField("objectId", guid);
        json.writeStringField("kind", key.kind().storedName());
        json.writeStringField("value", key.value());
    }
}
