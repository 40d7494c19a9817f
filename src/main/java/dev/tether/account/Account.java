package dev.tether.account;

import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An account (CleverTap's project): its region, which kinds count as identities, its conflict policy, the
 * identity values that identify nobody in it, and how many profiles one profile may absorb by merges in a day.
 */
public record Account(String id, String name, String region, boolean emailIsIdentity, boolean phoneIsIdentity,
                      ConflictPolicy conflictPolicy, long createdAt, BlockedValues blockedValues,
                      int maxMergesPerDay) {
    /** How many other profiles one profile may absorb by merges in any 24 hours, unless the account says. */
    public static final int DEFAULT_MAX_MERGES_PER_DAY = 25;

    /** Identity, FBID and GPID are always identities; Email and Phone as the account chooses. */
    public boolean isIdentity(IdentityKind kind) {
        switch (kind) {
            case EMAIL: return emailIsIdentity;
            case PHONE: return phoneIsIdentity;
            default: return true;
        }
    }

    /**
     * The identity kind whose binding a profile property mirrors, when the property is one (Identity, Email, Phone)
     * and that kind is an identity of this account: such a property always shows the profile's active binding.
     */
    public Optional<IdentityKind> mirroredKind(String propertyKey) {
        return IdentityKind.ofProfileKey(propertyKey).filter(this::isIdentity);
    }

    /**
     * The keys an {@code identity} value is looked up as, in CleverTap's order: Identity, then Email, then
     * Phone, each when it is an identity for this account and the value normalises as that kind.
     */
    public List<IdentityKey> lookupKeys(String identity) {
        List<IdentityKey> keys = new ArrayList<>();
        for (IdentityKind kind : List.of(IdentityKind.IDENTITY, IdentityKind.EMAIL, IdentityKind.PHONE)) {
            if (isIdentity(kind)) {
                Identities.normalize(kind, identity).ifPresent(keys::add);
            }
        }
        return keys;
    }

    /** The names of the configurable identity kinds that are on, as the CLI prints them. */
    public List<String> identityNames() {
        List<String> names = new ArrayList<>(List.of("identity"));
        if (emailIsIdentity) {
            names.add("email");
        }
        if (phoneIsIdentity) {
            names.add("phone");
        }
        return names;
    }

    /**
     * What differs in {@code after}, each as {@code setting before -> after} (the blocked values as "defaults" or
     * their count): how the audit trail says what {@code account update} changed.
     */
    public List<String> changesTo(Account after) {
        List<String> changes = new ArrayList<>();
        change(changes, "name", name, after.name);
        change(changes, "emailIsIdentity", emailIsIdentity, after.emailIsIdentity);
        change(changes, "phoneIsIdentity", phoneIsIdentity, after.phoneIsIdentity);
        change(changes, "conflictPolicy", conflictPolicy.storedName(), after.conflictPolicy.storedName());
        if (!blockedValues.equals(after.blockedValues)) {
            changes.add("blockedValues " + describe(blockedValues) + " -> " + describe(after.blockedValues));
        }
        change(changes, "maxMergesPerDay", maxMergesPerDay, after.maxMergesPerDay);
        return changes;
    }

    private static void change(List<String> changes, String setting, Object before, Object after) {
        if (!before.equals(after)) {
            changes.add(setting + " " + before + " -> " + after);
        }
    }

    private static String describe(BlockedValues values) {
        return values.own().map(own -> own.size() + " values").orElse("defaults");
    }
}
