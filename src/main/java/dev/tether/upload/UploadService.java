package dev.tether.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.batch.BatchResult;
import dev.tether.batch.Checked;
import dev.tether.batch.RecordRejected;
import dev.tether.config.Limits;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Guids;
import dev.tether.identity.Holders;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.profile.Merges;
import dev.tether.profile.ProfileData;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /1/upload}: resolves the user of each record, applies profile changes and events, and owns the
 * identity rules of uploads: resolution order, creation, binding, replacement and the conflict policy.
 */
public final class UploadService {
    private final Store store;
    private final Limits limits;
    private final Clock clock;

    public UploadService(Store store, Limits limits, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    public BatchResult upload(Account account, List<JsonNode> records, boolean dryRun) {
        long now = clock.instant().getEpochSecond();
        List<Checked<UploadRecord>> checked = records.stream()
                .map(record -> Checked.of(() -> UploadRecord.parse(record, account, limits, now)))
                .toList();
        if (dryRun) {
            return store.read(tx -> apply(account, records, checked, tx).result);
        }
        return store.write(tx -> {
            Applied applied = apply(account, records, checked, tx);
            applied.state.flush(tx);
            return applied.result;
        });
    }

    private record Applied(BatchState state, BatchResult result) {
    }

    private Applied apply(Account account, List<JsonNode> records, List<Checked<UploadRecord>> checked, ReadTx tx) {
        BatchState state = new BatchState(account.id(), tx, clock);
        preload(checked.stream().flatMap(c -> c.value().stream()).toList(), state);
        BatchResult result = BatchResult.of(records, i -> applyRecord(account, checked.get(i).orThrow(), state));
        return new Applied(state, result);
    }

    /** Reads, in a few queries, every binding and profile the records name. */
    private void preload(List<UploadRecord> records, BatchState state) {
        Set<IdentityKey> keys = new HashSet<>();
        Set<String> guids = new HashSet<>();
        for (UploadRecord record : records) {
            record.user().guid().ifPresent(guids::add);
            keys.addAll(record.user().lookupKeys());
            if (record instanceof UploadRecord.ProfileUpload profile) {
                keys.addAll(profile.identityValues());
            }
        }
        state.preload(keys, guids);
    }

    private void applyRecord(Account account, UploadRecord record, BatchState state) {
        Target target = resolve(record.user(), state);
        if (record instanceof UploadRecord.EventUpload event) {
            ProfileState profile = target.materialize(state);
            state.addEvent(profile, event.name(), event.ts(), event.data());
            return;
        }
        UploadRecord.ProfileUpload upload = (UploadRecord.ProfileUpload) record;
        List<IdentityKey> wanted = upload.identityValues().stream().filter(k -> account.isIdentity(k.kind())).toList();
        Map<IdentityKey, String> conflicts = conflicts(wanted, target, state);
        if (!conflicts.isEmpty() && account.conflictPolicy() == ConflictPolicy.REJECT) {
            IdentityKind kind = conflicts.keySet().iterator().next().kind();
            throw new RecordRejected(544, kind.storedName() + " is an identity of another profile");
        }
        ObjectNode properties = mergedProperties(account, target, conflicts, state);
        upload.changes().forEach(change -> change.applyTo(properties));
        if (ProfileData.customKeyCount(properties) > limits.maxCustomKeys()) {
            throw new RecordRejected(547, "A profile holds at most " + limits.maxCustomKeys() + " custom keys");
        }
        ProfileState profile = target.materialize(state);
        resolveConflicts(account, profile, conflicts, state);
        for (IdentityKey key : wanted) {
            bindReplacing(profile, key, state);
        }
        profile.replaceProperties(properties);
    }

    /** Identities this record wants that another profile holds, with their holders. */
    private static Map<IdentityKey, String> conflicts(List<IdentityKey> wanted, Target target, BatchState state) {
        Map<IdentityKey, String> conflicts = new LinkedHashMap<>();
        for (IdentityKey key : wanted) {
            state.holder(key).filter(holder -> !holder.equals(target.guid)).ifPresent(h -> conflicts.put(key, h));
        }
        return conflicts;
    }

    /** The properties the record starts from: the target's, under a merge filled in from the merged profiles. */
    private static ObjectNode mergedProperties(Account account, Target target, Map<IdentityKey, String> conflicts,
                                               BatchState state) {
        ObjectNode properties = target.properties().deepCopy();
        if (account.conflictPolicy() == ConflictPolicy.MERGE) {
            for (String other : new HashSet<>(conflicts.values())) {
                state.profile(other).ifPresent(p -> p.properties().fields().forEachRemaining(field -> {
                    if (!properties.has(field.getKey())) {
                        properties.set(field.getKey(), field.getValue());
                    }
                }));
            }
        }
        return properties;
    }

    private static void resolveConflicts(Account account, ProfileState profile, Map<IdentityKey, String> conflicts,
                                         BatchState state) {
        if (account.conflictPolicy() == ConflictPolicy.TRANSFER) {
            conflicts.forEach((key, holder) -> {
                state.unbind(key, BindingReason.TRANSFERRED);
                state.profile(holder).ifPresent(p -> p.removeProperty(key.kind().propertyKey()));
            });
        } else if (account.conflictPolicy() == ConflictPolicy.MERGE) {
            for (String other : new HashSet<>(conflicts.values())) {
                mergeInto(profile, other, conflicts, state);
            }
        }
    }

    /** CleverTap's merge: the other profile's identities and events move here; it answers to this GUID now. */
    private static void mergeInto(ProfileState profile, String otherGuid, Map<IdentityKey, String> conflicts,
                                  BatchState state) {
        ProfileState other = state.profile(otherGuid).orElseThrow();
        for (BindingState binding : List.copyOf(other.identities.values())) {
            state.unbind(binding.key, BindingReason.MERGED);
            boolean wantedHere = conflicts.containsKey(binding.key);
            if (!wantedHere && profile.identity(binding.key.kind()).isEmpty()) {
                state.bind(profile, binding.key, BindingReason.MERGED);
            }
        }
        state.merged(otherGuid, profile.guid);
    }

    /** Binds the key to the profile; a different value of the same kind on the profile is replaced. */
    private static void bindReplacing(ProfileState profile, IdentityKey key, BatchState state) {
        Optional<IdentityKey> current = profile.identity(key.kind());
        if (current.isPresent() && current.get().equals(key)) {
            return;
        }
        current.ifPresent(old -> state.unbind(old, BindingReason.REPLACED));
        state.bind(profile, key, BindingReason.UPLOADED);
    }

    /** Finds the profile a record names, or describes the one it would create (nothing is created yet). */
    private static Target resolve(UserRef user, BatchState state) {
        if (user.guid().isPresent()) {
            return Merges.follow(state.profile(user.guid().get()), p -> p.mergedInto, state::profile)
                    .map(Target::existing)
                    .orElseGet(() -> Target.created(user.guid().get(), Optional.empty()));
        }
        return Holders.first(user.lookupKeys(), key -> state.holder(key).filter(g -> state.profile(g).isPresent()))
                .map(guid -> Target.existing(state.profile(guid).orElseThrow()))
                .orElseGet(() -> Target.created(Guids.newGuid(), Optional.of(newIdentity(user.lookupKeys()))));
    }

    /** A new profile's identity: as Phone if it is a phone number, else as Email if an email, else as given. */
    private static IdentityKey newIdentity(List<IdentityKey> keys) {
        for (IdentityKind kind : List.of(IdentityKind.PHONE, IdentityKind.EMAIL)) {
            Optional<IdentityKey> match = keys.stream().filter(k -> k.kind() == kind).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
        }
        return keys.get(0);
    }

    /** The profile a record applies to: one that exists, or one it would create with its first identity. */
    private record Target(String guid, Optional<ProfileState> existing, Optional<IdentityKey> firstIdentity) {
        static Target existing(ProfileState profile) {
            return new Target(profile.guid, Optional.of(profile), Optional.empty());
        }

        static Target created(String guid, Optional<IdentityKey> firstIdentity) {
            return new Target(guid, Optional.empty(), firstIdentity);
        }

        ObjectNode properties() {
            return existing.map(ProfileState::properties)
                    .orElseGet(JsonNodeFactory.instance::objectNode);
        }

        ProfileState materialize(BatchState state) {
            if (existing.isPresent()) {
                return existing.get();
            }
            ProfileState created = state.createProfile(guid);
            firstIdentity.ifPresent(key -> state.bind(created, key, BindingReason.UPLOADED));
            return created;
        }
    }
}
