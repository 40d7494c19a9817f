package dev.tether.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The types of webhook messages, by the names receivers see in {@code type} and endpoints subscribe to. */
public enum MessageType {
    IDENTITY_BOUND("identity.bound"),
    IDENTITY_UNBOUND("identity.unbound"),
    PROFILE_MERGED("profile.merged"),
    PROFILE_DEMERGED("profile.demerged"),
    PROFILE_DELETED("profile.deleted"),
    PROFILE_MERGE_REFUSED("profile.merge_refused"),
    SUBSCRIPTION_CHANGED("subscription.changed");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MessageType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    /** Every type's name, as error messages list them. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(MessageType::wireName).toList());
    }
}
