package dev.tether.webhook;

import dev.tether.core.IdentityChange;
import dev.tether.store.NewMessage;
import dev.tether.store.StoredEndpoint;
import dev.tether.store.WebhookWrites;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The transactional outbox: the identity changes of a unit of work become webhook messages in its own transaction,
 * just before it commits, so a committed change has its messages and a rolled-back or dry-run one has none. An
 * account with no endpoint gets no messages, and only the types some endpoint of the account takes are written.
 */
public final class Outbox {
    private Outbox() {
    }

    /** Writes the messages of these changes; true when there were any. */
    public static boolean write(WebhookWrites outbox, String accountId, List<IdentityChange> changes, long now) {
        if (changes.isEmpty()) {
            return false;
        }
        List<StoredEndpoint> endpoints = outbox.endpoints(accountId);
        if (endpoints.isEmpty()) {
            return false;
        }
        Set<MessageType> wanted = wanted(endpoints);
        List<NewMessage> messages = changes.stream().filter(change -> wanted.contains(Messages.typeOf(change)))
                .map(Messages::of).toList();
        outbox.append(accountId, messages, now);
        return !messages.isEmpty();
    }

    private static Set<MessageType> wanted(List<StoredEndpoint> endpoints) {
        Set<MessageType> wanted = EnumSet.noneOf(MessageType.class);
        for (StoredEndpoint endpoint : endpoints) {
            wanted.addAll(EndpointTypes.of(endpoint));
        }
        return wanted;
    }
}
