package dev.tether.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.IdentityChange;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import dev.tether.store.NewMessage;
import java.time.Instant;

/**
 * The webhook message of each identity change: {@code {"type", "timestamp", "data"}}, where data names the account,
 * the profile ({@code objectId}), the identity and the reason the change happened for. The body is made once, when
 * the change commits, so that every attempt sends (and signs) the same bytes.
 */
final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        ObjectNode body = JSON.createObjectNode();
        body.put("type", type.wireName());
        body.put("timestamp", Instant.ofEpochSecond(change.at()).toString());
        ObjectNode data = body.putObject("data");
        data.put("accountId", accountId);
        if (change instanceof IdentityChange.BindingStarted started) {
            identity(data, started.guid(), started.key());
            data.put("reason", started.reason().storedName());
        } else if (change instanceof IdentityChange.BindingEnded ended) {
            identity(data, ended.guid(), ended.key());
            data.put("reason", ended.reason().storedName());
        } else if (change instanceof IdentityChange.ProfileMerged merged) {
            data.put("objectId", merged.into());
            data.put("mergedObjectId", merged.from());
            data.put("reason", "merged");
        } else if (change instanceof IdentityChange.ProfileDemerged demerged) {
            data.put("objectId", demerged.guid());
            data.put("demergedFrom", demerged.from());
            data.put("reason", "demerged");
        } else if (change instanceof IdentityChange.ProfileDeleted deleted) {
            data.put("objectId", deleted.guid());
            data.put("reason", "deleted");
        } else if (change instanceof IdentityChange.SubscriptionChanged subscribed) {
            data.putNull("objectId");
            data.put("kind", subscribed.address().kind().storedName());
            data.put("value", subscribed.address().value());
            data.put("status", subscribed.status().wireName());
            data.put("reason", "subscribed");
        }
        data.put("at", change.at());
        return new NewMessage("msg_" + Guids.newGuid(), type.wireName(), body.toString());
    }

    private static void identity(ObjectNode data, String guid, IdentityKey key) {
        data.put("objectId", guid);
        data.put("kind", key.kind().storedName());
        data.put("value", key.value());
    }
}
