package dev.tether.webhook;

import dev.tether.store.StoredEndpoint;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The message types an endpoint takes: the ones it was added with, or every type when it named none. */
final class EndpointTypes {
    private EndpointTypes() {
    }

    static Set<MessageType> of(StoredEndpoint endpoint) {
        if (endpoint.types().isEmpty()) {
            return EnumSet.allOf(MessageType.class);
        }
        Set<MessageType> types = EnumSet.noneOf(MessageType.class);
        endpoint.types().forEach(name -> MessageType.fromWireName(name).ifPresent(types::add));
        return types;
    }

    /** The names of the types an endpoint takes, as the outbox stores them. */
    static Set<String> names(StoredEndpoint endpoint) {
        return of(endpoint).stream().map(MessageType::wireName).collect(Collectors.toUnmodifiableSet());
    }
}
