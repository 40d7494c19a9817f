package dev.tether.core;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;

/**
 * What a unit of work changed in the identity graph, in the order it happened: the domain events that later
 * become webhook messages, written in the same transaction as the change.
 */
public sealed interface IdentityChange {
    long at();

    /** A binding started: the value is now this profile's. */
    record BindingStarted(IdentityKey key, String guid, BindingReason reason, long at) implements IdentityChange {
    }

    /** A binding ended: the value is no longer this profile's. */
    record BindingEnded(IdentityKey key, String guid, BindingReason reason, long at) implements IdentityChange {
    }

    /** A profile was merged into another; its GUID answers with the survivor from now on. */
    record ProfileMerged(String from, String into, long at) implements IdentityChange {
    }

    /**
     * A merge was refused: {@code into} has absorbed {@code mergedInADay} profiles in the last 24 hours, and absorbing
     * {@code from} too would pass the account's merge limit. Nothing changed.
     */
    record MergeRefused(String from, String into, int mergedInADay, long at) implements IdentityChange {
    }

    /** A profile was deleted with its events; its bindings ended first (reason {@code deleted}). */
    record ProfileDeleted(String guid, long at) implements IdentityChange {
    }

    /**
     * A profile merged into another became its own profile again, with its own events and properties; the one it
     * was merged into lost its identities first (reason {@code demerged}).
     */
    record ProfileDemerged(String guid, String from, long at) implements IdentityChange {
    }

    /** The address-level status of a phone number or email address was set, for whoever uses it. */
    record SubscriptionChanged(IdentityKey address, SubscriptionStatus status, long at) implements IdentityChange {
    }
}
