package dev.tether.upload;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.batch.BatchResult;
import dev.tether.batch.RecordRejected;
import dev.tether.config.Limits;
import dev.tether.core.IdentityCore;
import dev.tether.core.NewUser;
import dev.tether.core.ProfileState;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.profile.ProfileData;
import dev.tether.profile.PropertyChange;
import dev.tether.work.UnitOfWork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code POST /1/upload}: resolves the user of each record and applies its profile changes or its event, in the
 * request's unit of work. The identity rules (binding, replacing, the conflict policy, merges, the mirrored
 * properties) belong to the {@link IdentityCore}; this class decides which profile a record is about and which of
 * its changes are claims of identities.
 */
public final class UploadService {
    private final Limits limits;

    public UploadService(Limits limits) {
        this.limits = limits;
    }

    public BatchResult upload(UnitOfWork unit, UploadRequest request) {
        IdentityCore core = unit.identities();
        preload(unit.account(), request.valid(), core);
        return BatchResult.of(request.records(), i -> applyRecord(unit.account(), request.checked().get(i).orThrow(),
                core));
    }

    /**
     * Locks and reads, in a few queries, every binding and profile the records name: the keys of records that claim
     * identities for the unit; for the other users, the key that names each one's profile, shared, and for the users
     * of events only that key's binding, as an event needs its profile's GUID, not its row.
     */
    private static void preload(Account account, List<UploadRecord> records, IdentityCore core) {
        Set<IdentityKey> claims = new HashSet<>();
        List<List<IdentityKey>> profileUsers = new ArrayList<>();
        List<List<IdentityKey>> eventUsers = new ArrayList<>();
        Set<String> guids = new HashSet<>();
        List<NewUser> newUsers = new ArrayList<>();
        Map<IdentityKey, Integer> namings = new HashMap<>();
        for (UploadRecord record : records) {
            record.user().guid().ifPresent(guids::add);
            Set<IdentityKey> named = new HashSet<>(record.user().lookupKeys());
            if (record instanceof UploadRecord.ProfileUpload profile && !profile.identityValues().isEmpty()) {
                named.addAll(profile.identityValues());
                if (record.user().guid().isEmpty()) {
                    newUsers.add(new NewUser(record.user().lookupKeys(), Changes.of(account, profile).claims));
                }
                // a record that claims identities may bind, end or move them, and its profile's own
                claims.addAll(record.user().lookupKeys());
                claims.addAll(profile.identityValues());
            } else if (record.user().guid().isEmpty()) {
                (record instanceof UploadRecord.ProfileUpload ? profileUsers : eventUsers)
                        .add(record.user().lookupKeys());
            }
            named.forEach(key -> namings.merge(key, 1, Integer::sum));
        }
        // a user the unit may make a profile, if no other record names one of her keys
        newUsers.removeIf(user -> user.lookupKeys().stream().anyMatch(key -> namings.getOrDefault(key, 0) > 1)
                || user.claims().stream().anyMatch(key -> namings.getOrDefault(key, 0) > 1));
        core.preload(claims, profileUsers, eventUsers, guids, newUsers);
    }

    private void applyRecord(Account account, UploadRecord record, IdentityCore core) {
        if (record instanceof UploadRecord.EventUpload event) {
            String guid = eventProfile(record.user(), core);
            core.addEvent(guid, record.user().guid().orElse(guid), event.name(), event.ts(), event.data());
            return;
        }
        Target target = resolve(record.user(), core);
        Changes changes = Changes.of(account, (UploadRecord.ProfileUpload) record);
        Map<IdentityKey, String> conflicts = core.conflicts(target.guid(), changes.claims);
        if (!conflicts.isEmpty() && account.conflictPolicy() == ConflictPolicy.REJECT) {
            IdentityKind kind = conflicts.keySet().iterator().next().kind();
            throw new RecordRejected(544, kind.storedName() + " is an identity of another profile");
        }
        if (account.conflictPolicy() == ConflictPolicy.MERGE) {
            OptionalInt merged = core.mergeLimitPassed(target.guid(), new LinkedHashSet<>(conflicts.values()));
            if (merged.isPresent()) {
                throw new RecordRejected(UploadRecord.MERGE_LIMIT_CODE, "Merge refused: this profile merged " + merged.getAsInt()
                        + " profiles in the last 24 hours");
            }
        }
        ObjectNode properties = core.propertiesAfterClaims(target.properties(), conflicts);
        changes.properties.forEach(change -> change.applyTo(properties));
        if (ProfileData.customKeyCount(properties) > limits.maxCustomKeys()) {
            throw new RecordRejected(547, "A profile holds at most " + limits.maxCustomKeys() + " custom keys");
        }
        ProfileState profile = target.materialize(core);
        core.claim(profile, changes.claims);
        core.setProperties(profile, properties);
        changes.unmirrored.forEach(kind -> core.removeMirroredProperty(profile, kind));
    }

    /**
     * A profile record's changes, split: values of identity kinds the account has on are claims, which the identity
     * core binds and mirrors; a {@code $delete} of such a property removes the property only; the rest are
     * property changes.
     */
    private record Changes(List<IdentityKey> claims, List<IdentityKind> unmirrored, List<PropertyChange> properties) {
        static Changes of(Account account, UploadRecord.ProfileUpload upload) {
            List<IdentityKey> claims = upload.identityValues().stream()
                    .filter(key -> account.isIdentity(key.kind())).toList();
            List<IdentityKind> unmirrored = new ArrayList<>();
            List<PropertyChange> properties = new ArrayList<>();
            for (PropertyChange change : upload.changes()) {
                Optional<IdentityKind> mirrored = account.mirroredKind(change.key());
                if (mirrored.isEmpty()) {
                    properties.add(change);
                } else if (change.operation() == PropertyChange.Operation.DELETE) {
                    unmirrored.add(mirrored.get());
                }
            }
            return new Changes(claims, unmirrored, properties);
        }
    }

    /** The GUID of the live profile an event is for, created when its user is new. */
    private static String eventProfile(UserRef user, IdentityCore core) {
        if (user.guid().isEmpty()) {
            Optional<String> holder = core.firstHolderGuid(user.lookupKeys());
            if (holder.isPresent()) {
                return holder.get();
            }
        }
        return resolve(user, core).materialize(core).guid();
    }

    /** Finds the profile a record names, or describes the one it would create (nothing is created yet). */
    private static Target resolve(UserRef user, IdentityCore core) {
        if (user.guid().isPresent()) {
            return core.live(user.guid().get())
                    .map(Target::existing)
                    .orElseGet(() -> Target.created(user.guid().get(), Optional.empty()));
        }
        return core.firstHolder(user.lookupKeys())
                .map(Target::existing)
                .orElseGet(() -> Target.created(core.newProfileGuid(user.lookupKeys()),
                        Optional.of(IdentityCore.newProfileIdentity(user.lookupKeys()))));
    }

    /** The profile a record applies to: one that exists, or one it would create with its first identity. */
    private record Target(String guid, Optional<ProfileState> existing, Optional<IdentityKey> firstIdentity) {
        static Target existing(ProfileState profile) {
            return new Target(profile.guid(), Optional.of(profile), Optional.empty());
        }

        static Target created(String guid, Optional<IdentityKey> firstIdentity) {
            return new Target(guid, Optional.empty(), firstIdentity);
        }

        ObjectNode properties() {
            return existing.map(ProfileState::properties).orElseGet(JsonNodeFactory.instance::objectNode);
        }

        ProfileState materialize(IdentityCore core) {
            return existing.orElseGet(() -> core.create(guid, firstIdentity));
        }
    }
}
