package dev.tether.identity;

import java.util.Arrays;
import java.util.Optional;

/**
 * The address-level status {@code POST /1/subscribe} sets on a phone number or an email address. It belongs to the
 * address, not to a profile: it holds for whoever uses the address, now or later.
 */
public enum SubscriptionStatus {
    UNSUBSCRIBE("Unsubscribe"), RESUBSCRIBE("Resubscribe");

    private final String wireName;

    SubscriptionStatus(String wireName) {
        this.wireName = wireName;
    }

    /** As the API spells it, and as it is stored. */
    public String wireName() {
        return wireName;
    }

    /** The status of this exact spelling ({@code Unsubscribe}, {@code Resubscribe}); anything else is none. */
    public static Optional<SubscriptionStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }
}
