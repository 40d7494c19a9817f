package dev.tether.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.store.ActiveBinding;
import dev.tether.store.Isolation;
import dev.tether.store.MergeRecord;
import dev.tether.store.NewEvent;
import dev.tether.store.ProfileWrites;
import dev.tether.store.ReadTx;
import dev.tether.store.StoredProfile;
import dev.tether.store.WriteTx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The profiles and bindings one unit of work touches, read in a few set-based queries, changed in memory, and
 * written back in one flush. Mechanics only: the rules that decide what to change are in {@link IdentityCore}.
 */
final class UnitState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountId;
    private final ReadTx tx;
    private final Clock clock;
    private OptionalLong now = OptionalLong.empty();
    private final Map<IdentityKey, Optional<BindingState>> active = new HashMap<>();
    private final Map<String, Optional<ProfileState>> profiles = new LinkedHashMap<>();
    private final List<BindingState> bindings = new ArrayList<>();
    private final List<NewEvent> events = new ArrayList<>();
    private final List<MergeRecord> merges = new ArrayList<>();
    private final Map<String, Set<String>> propertyRemovals = new LinkedHashMap<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    /** The profiles events were added to. */
    private final Set<String> withEvents = new LinkedHashSet<>();
    /** Profiles reached through unlocked bindings, to be locked and checked at the flush (READ COMMITTED). */
    private final Set<String> lockAtFlush = new HashSet<>();
    /** Profiles given back by a demerge, by the profile they were merged into. */
    private final Map<String, Set<String>> demerged = new LinkedHashMap<>();
    private final Map<IdentityKey, SubscriptionStatus> subscriptions = new LinkedHashMap<>();
    private final List<IdentityChange> changes = new ArrayList<>();

    UnitState(String accountId, ReadTx tx, Clock clock) {
        this.accountId = accountId;
        this.tx = tx;
        this.clock = clock;
    }

    ReadTx tx() {
        return tx;
    }

    /**
     * The unit's time, read when it first changes something: after the loads it builds on, which wait for the locks
     * of concurrent writers, so a binding never starts before the end of the one it follows on the same clock.
     */
    long now() {
        if (now.isEmpty()) {
            now = OptionalLong.of(clock.instant().getEpochSecond());
        }
        return now.getAsLong();
    }

    /**
     * Loads the bindings of these keys and the profiles of these GUIDs and of the keys' holders; and the bindings of
     * {@code followedKeys}, unlocked, whose holders' profiles are locked but not read (see
     * {@link IdentityCore#preload}). Every profile is locked in one statement, in GUID order, when there are both.
     */
    void preload(Collection<IdentityKey> keys, Collection<IdentityKey> followedKeys, Collection<String> guids) {
        loadBindings(keys);
        List<IdentityKey> followed = followedKeys.stream().filter(k -> !active.containsKey(k)).distinct().toList();
        if (!followed.isEmpty()) {
            Map<IdentityKey, ActiveBinding> found = tx.bindings().activeUnlocked(accountId, followed);
            followed.forEach(key -> active.put(key, Optional.ofNullable(found.get(key)).map(this::tracked)));
        }
        Set<String> wanted = new HashSet<>(guids);
        keys.forEach(key -> holderOf(key).ifPresent(wanted::add));
        Set<String> holders = new HashSet<>();
        followed.forEach(key -> holderOf(key).ifPresent(holders::add));
        holders.removeAll(wanted);
        if (tx.isolation() == Isolation.LATEST_COMMITTED) {
            // a batch of events: locked and checked live at the flush, after its events are in, so that the locks
            // are held for the last statements only, not for the inserts (DECISIONS.md, "Event batches run in
            // READ COMMITTED")
            lockAtFlush.addAll(holders);
        } else if (!holders.isEmpty()) {
            // locked as early as a read would lock them: in one snapshot, a unit that took them at its flush
            // conflicted with every batch that had marked one of them written since
            Set<String> locked = new HashSet<>(wanted);
            locked.addAll(holders);
            tx.profiles().lock(accountId, locked, holders);
        }
        loadProfiles(wanted);
    }

    private Optional<String> holderOf(IdentityKey key) {
        return active.getOrDefault(key, Optional.empty()).map(b -> b.guid);
    }

    void loadBindings(Collection<IdentityKey> keys) {
        List<IdentityKey> unknown = keys.stream().filter(k -> !active.containsKey(k)).distinct().toList();
        if (unknown.isEmpty()) {
            return;
        }
        Map<IdentityKey, ActiveBinding> found = tx.bindings().active(accountId, unknown);
        unknown.forEach(key -> active.put(key, Optional.ofNullable(found.get(key)).map(this::tracked)));
    }

    void loadProfiles(Collection<String> guids) {
        List<String> unknown = guids.stream().filter(g -> !profiles.containsKey(g)).distinct().toList();
        if (unknown.isEmpty()) {
            return;
        }
        Map<String, StoredProfile> found = tx.profiles().find(accountId, unknown);
        unknown.forEach(guid -> profiles.put(guid, Optional.ofNullable(found.get(guid)).map(UnitState::loaded)));
        for (ActiveBinding binding : tx.bindings().activeOf(accountId, found.keySet())) {
            current(binding).ifPresent(state ->
                    profiles.getOrDefault(binding.guid(), Optional.empty())
                            .ifPresent(p -> p.identities.put(binding.key().kind(), state)));
        }
    }

    /**
     * The unit's view of a stored binding: the one it already tracks, or a new tracked one. Empty when the unit has
     * ended it or bound its key elsewhere since: what the unit did wins over what is stored.
     */
    private Optional<BindingState> current(ActiveBinding binding) {
        if (!active.containsKey(binding.key())) {
            active.put(binding.key(), Optional.of(tracked(binding)));
        }
        return active.getOrDefault(binding.key(), Optional.empty())
                .filter(state -> state.id.equals(binding.bindingId()));
    }

    private BindingState tracked(ActiveBinding b) {
        return BindingState.stored(b.bindingId(), b.key(), b.guid(), b.since());
    }

    private static ProfileState loaded(StoredProfile p) {
        try {
            ObjectNode properties = (ObjectNode) JSON.readTree(p.propertiesJson());
            return new ProfileState(p.guid(), properties, p.createdAt(), false, p.mergedInto());
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored properties of " + p.guid() + " are not a JSON object", e);
        }
    }

    /** The active binding of this key now, within this unit. */
    Optional<BindingState> binding(IdentityKey key) {
        Optional<BindingState> known = active.get(key);
        if (known != null) {
            return known;
        }
        loadBindings(List.of(key));
        return active.getOrDefault(key, Optional.empty());
    }

    Optional<ProfileState> profile(String guid) {
        Optional<ProfileState> known = profiles.get(guid);
        if (known != null) {
            return known;
        }
        loadProfiles(List.of(guid));
        return profiles.getOrDefault(guid, Optional.empty());
    }

    /** The profiles of this unit that were merged into the given one. */
    List<ProfileState> loadedMergedInto(String guid) {
        return profiles.values().stream().flatMap(Optional::stream)
                .filter(p -> p.mergedInto.equals(Optional.of(guid))).toList();
    }

    ProfileState createProfile(String guid) {
        ProfileState created = new ProfileState(guid, JSON.createObjectNode(), now(), true, Optional.empty());
        profiles.put(guid, Optional.of(created));
        return created;
    }

    void bind(ProfileState profile, IdentityKey key, BindingReason reason) {
        BindingState binding = BindingState.started(Guids.newGuid(), key, profile.guid, now(), reason);
        bindings.add(binding);
        active.put(key, Optional.of(binding));
        profile.identities.put(key.kind(), binding);
        profile.touch();
        changes.add(new IdentityChange.BindingStarted(key, profile.guid, reason, now()));
    }

    /** Ends the active binding of this key, if any; returns the GUID that held it. */
    Optional<String> unbind(IdentityKey key, BindingReason reason) {
        Optional<BindingState> ending = binding(key);
        ending.ifPresent(binding -> {
            binding.end(now(), reason);
            if (binding.stored) {
                bindings.add(binding);
            }
            active.put(key, Optional.empty());
            profiles.getOrDefault(binding.guid, Optional.empty()).ifPresent(p -> p.identities.remove(key.kind()));
            changes.add(new IdentityChange.BindingEnded(key, binding.guid, reason, now()));
        });
        return ending.map(b -> b.guid);
    }

    /** Removes a property from a profile: in memory when the unit holds it, else set-based when it is written. */
    void removeProperty(String guid, String key) {
        Optional<ProfileState> loaded = profiles.getOrDefault(guid, Optional.empty());
        if (loaded.isPresent()) {
            loaded.get().removeProperty(key);
        } else {
            propertyRemovals.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(guid);
        }
    }

    /**
     * An event of the profile. Its properties are not rewritten for it, as an event changes none of them: the
     * profile is only marked as written where concurrent writers need that ({@link ProfileWrites#touch}).
     * Rewriting a random profile's row for every event took half of event upload's time on SQLite.
     */
    void addEvent(String guid, String arrivedAs, String name, long ts, ObjectNode data) {
        withEvents.add(guid);
        events.add(new NewEvent(Guids.newGuid(), guid, arrivedAs, name, ts, data.toString()));
    }

    void merged(MergeRecord merge) {
        merges.add(merge);
        changes.add(new IdentityChange.ProfileMerged(merge.from(), merge.into(), merge.at()));
    }

    void deleted(Collection<String> guids) {
        deleted.addAll(guids);
        guids.forEach(guid -> changes.add(new IdentityChange.ProfileDeleted(guid, now())));
    }

    void demerged(String from, Collection<String> restored) {
        demerged.computeIfAbsent(from, k -> new LinkedHashSet<>()).addAll(restored);
        restored.forEach(guid -> changes.add(new IdentityChange.ProfileDemerged(guid, from, now())));
    }

    void subscribe(IdentityKey address, SubscriptionStatus status) {
        subscriptions.put(address, status);
        changes.add(new IdentityChange.SubscriptionChanged(address, status, now()));
    }

    void changed(IdentityChange change) {
        changes.add(change);
    }

    List<IdentityChange> changes() {
        return List.copyOf(changes);
    }

    /** Writes every change of the unit: a handful of set-based statements, bindings before profiles they touch. */
    void flush(WriteTx write) {
        List<StoredProfile> created = new ArrayList<>();
        List<StoredProfile> updated = new ArrayList<>();
        for (Optional<ProfileState> entry : profiles.values()) {
            entry.filter(p -> !deleted.contains(p.guid)).ifPresent(p -> {
                if (p.isNew) {
                    created.add(StoredProfile.created(p.guid, p.ownProperties().toString(), now()));
                } else if (p.changed()) {
                    updated.add(new StoredProfile(p.guid, p.ownProperties().toString(), p.createdAt, now(),
                            p.mergedInto));
                }
            });
        }
        write.profiles().insert(accountId, created);
        write.profiles().update(accountId, updated);
        endedByReason().forEach((reason, keys) -> write.bindings().endActive(accountId, keys, now(), reason));
        write.bindings().insert(accountId, bindings.stream().flatMap(b -> b.asNew().stream()).toList());
        write.events().insert(accountId, events);
        lockAtFlush.removeAll(deleted);
        write.profiles().lock(accountId, lockAtFlush, lockAtFlush);
        Set<String> touched = new LinkedHashSet<>(withEvents);
        created.forEach(p -> touched.remove(p.guid()));
        updated.forEach(p -> touched.remove(p.guid()));
        touched.removeAll(deleted);
        write.profiles().touch(accountId, touched, now());
        for (MergeRecord merge : merges) {
            write.events().move(accountId, merge.from(), merge.into());
            write.profiles().merge(accountId, merge);
        }
        demerged.forEach((from, restored) -> {
            write.events().giveBack(accountId, from, restored);
            write.profiles().forgetMerges(accountId, restored);
        });
        if (!subscriptions.isEmpty()) {
            write.subscriptions().set(accountId, subscriptions, now());
        }
        propertyRemovals.forEach((key, guids) -> write.profiles().removeProperty(accountId, guids, key, now()));
        if (!deleted.isEmpty()) {
            write.bindings().forgetProfiles(accountId, deleted, now());
            write.events().delete(accountId, deleted);
            write.profiles().delete(accountId, deleted);
        }
    }

    private Map<BindingReason, List<IdentityKey>> endedByReason() {
        return bindings.stream().filter(b -> b.storedEnding().isPresent())
                .collect(Collectors.groupingBy(b -> b.storedEnding().orElseThrow(),
                        () -> new EnumMap<>(BindingReason.class),
                        Collectors.mapping(b -> b.key, Collectors.toList())));
    }
}
