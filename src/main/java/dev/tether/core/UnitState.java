package dev.tether.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Guids;
import dev.tether.identity.Holders;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.store.ActiveBinding;
import dev.tether.store.KeyRow;
import dev.tether.store.MergeRecord;
import dev.tether.store.NewEvent;
import dev.tether.store.ReadTx;
import dev.tether.store.RowLock;
import dev.tether.store.Savepoint;
import dev.tether.store.Stamp;
import dev.tether.store.StoredProfile;
import dev.tether.store.WriteTx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
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
 * The profiles and bindings one unit of work touches, locked and read in a few set-based queries, changed in memory,
 * and written back in one flush. Mechanics only: the rules that decide what to change are in {@link IdentityCore}.
 *
 * <p>The lock order (DECISIONS.md, "Concurrency: one lock order"): after the account's row (taken by the unit of
 * work), the rows of the keys the unit may bind or end, then the profiles it reads or writes, each group sorted, each
 * lock waited for; what it finds it needs later is locked without waiting ({@link RowLock#OUT_OF_ORDER}) and learned
 * for the next run ({@link LockHints}). Every key whose binding starts or ends is locked before, and its row written
 * with the change.
 */
final class UnitState {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many times a unit takes its locks again before it leaves what is still missing to late locks. */
    private static final int RELOCK_ROUNDS = 3;

    private final String accountId;
    private final ReadTx tx;
    private final Clock clock;
    private final LockHints hints;
    private OptionalLong now = OptionalLong.empty();
    /** The keys locked, with when each one's history last changed (0 where unknown: nothing is locked on SQLite). */
    private final Map<IdentityKey, Long> lockedKeys = new HashMap<>();
    /** The keys whose binding started or ended in this unit, with who holds each at the end of it. */
    private final Map<IdentityKey, Optional<String>> keyHolders = new LinkedHashMap<>();
    /** Whether a profile was locked: later profile locks are out of the one order. */
    private boolean profilesLocked;
    private final Map<IdentityKey, Optional<BindingState>> active = new HashMap<>();
    private final Map<String, Optional<ProfileState>> profiles = new LinkedHashMap<>();
    private final List<BindingState> bindings = new ArrayList<>();
    private final List<NewEvent> events = new ArrayList<>();
    private final List<MergeRecord> merges = new ArrayList<>();
    private final Map<String, Set<String>> propertyRemovals = new LinkedHashMap<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    /** Keys read without their lock, only to follow them to a profile (an event's user). */
    private final Set<IdentityKey> followedUnlocked = new HashSet<>();
    /** Keys a read before the locks found nobody holding: a locked row that names nobody is believed for these. */
    private final Set<IdentityKey> readUnbound = new HashSet<>();
    /**
     * Rows the unit made naming what it means them to name at its end (a new user's keys, her new profile), as
     * written: its flush writes only those that end otherwise.
     */
    private final Map<IdentityKey, KeyRow> madeAsMeant = new HashMap<>();
    /**
     * The GUID chosen for each new user whose keys' rows the unit meant to make naming it, by her lookup keys; kept
     * when the unit goes back to before its locks, as it means the same again.
     */
    private final Map<List<IdentityKey>, String> reservedGuids = new HashMap<>();
    /** Profiles given back by a demerge, by the profile they were merged into. */
    private final Map<String, Set<String>> demerged = new LinkedHashMap<>();
    private final Map<IdentityKey, SubscriptionStatus> subscriptions = new LinkedHashMap<>();
    private final List<IdentityChange> changes = new ArrayList<>();

    UnitState(String accountId, ReadTx tx, Clock clock, LockHints hints) {
        this.accountId = accountId;
        this.tx = tx;
        this.clock = clock;
        this.hints = hints;
    }

    ReadTx tx() {
        return tx;
    }

    /**
     * The unit's time, read when it first changes something: after the locks it builds on, which wait for concurrent
     * writers, so a binding never starts before the end of the one it follows on the same clock.
     */
    long now() {
        if (now.isEmpty()) {
            now = OptionalLong.of(clock.instant().getEpochSecond());
        }
        return now.getAsLong();
    }

    /**
     * The time of a change of this key's history: the unit's time, or the key's last change where that is later (a
     * server whose clock runs behind another's), so that one key's history never runs backwards.
     */
    private long at(IdentityKey key, long notBefore) {
        return Math.max(Math.max(now(), notBefore), lockedKeys.getOrDefault(key, 0L));
    }

    /** Notes a start or end of this key's binding, at this time, leaving it held by this profile or by none. */
    private void keyChanged(IdentityKey key, Optional<String> holder, long at) {
        keyHolders.put(key, holder);
        lockedKeys.merge(key, at, Math::max);
    }

    /**
     * Locks and loads what the unit decides on: the keys it may bind or end ({@code keys}, those of the
     * {@code followedUsers} nobody holds, and where writers run at once the keys their holders and {@code guids} hold
     * now, found by a read before the locks) for itself, the key that names each other followed user's profile (an
     * event's user) shared, then the profiles of these GUIDs and of the keys' holders, each group in sorted
     * statements. A followed user's profile is not read or locked: her shared key keeps it hers and alive. When a
     * loaded profile turns out to hold a key the unit did not lock, it goes back and locks again with that key.
     */
    void preload(Collection<IdentityKey> keys, Collection<List<IdentityKey>> profileUsers,
                 Collection<List<IdentityKey>> followedUsers, Collection<String> guids,
                 Collection<NewUser> newUsers) {
        Set<IdentityKey> theirs = new HashSet<>();
        for (int round = 1; ; round++) {
            // only the profiles whose keys the unit may end are verified: a unit that changes no key (a batch of
            // events by key, of updates of properties, on its first run) has nothing to go back on
            boolean changesKeys = !keys.isEmpty() || !guids.isEmpty() || !hints.keys.isEmpty()
                    || !hints.profiles.isEmpty();
            Savepoint before = changesKeys ? tx.savepoint() : Savepoint.NONE;
            Set<String> verified = lockAndLoad(keys, profileUsers, followedUsers, guids, newUsers, theirs);
            Set<IdentityKey> unlocked = keysNotLocked(verified);
            if (unlocked.isEmpty() || round == RELOCK_ROUNDS) {
                return;
            }
            // what the unit read to choose its locks changed before it took them (a profile it locks gained a
            // key): back to before the locks, and take them again in order with that key, waiting where another
            // write holds one, instead of taking it out of order later and running again whole
            before.rollback();
            forgetLoaded();
            theirs.addAll(unlocked);
        }
    }

    /** Returns the profiles whose keys the unit may end: those to verify against the keys it locked. */
    private Set<String> lockAndLoad(Collection<IdentityKey> keys, Collection<List<IdentityKey>> profileUsers,
                                    Collection<List<IdentityKey>> eventUsers, Collection<String> guids,
                                    Collection<NewUser> newUsers, Set<IdentityKey> theirs) {
        List<List<IdentityKey>> followedUsers = new ArrayList<>(profileUsers);
        followedUsers.addAll(eventUsers);
        Set<IdentityKey> named = new HashSet<>(keys);
        List<IdentityKey> followed = followedUsers.stream().flatMap(List::stream).filter(k -> !named.contains(k))
                .distinct().toList();
        Map<IdentityKey, ActiveBinding> held = followed.isEmpty() ? Map.of()
                : tx.bindings().active(accountId, followed);
        followed.stream().filter(key -> !held.containsKey(key)).forEach(readUnbound::add);
        Set<IdentityKey> toLock = new LinkedHashSet<>(keys);
        toLock.addAll(hints.keys);
        toLock.addAll(theirs);
        Set<IdentityKey> shared = new LinkedHashSet<>();
        for (List<IdentityKey> user : followedUsers) {
            // the key that names her profile is locked shared: no write may end or move it, or delete or merge that
            // profile, until the unit ends, while other batches of her events go on; a user nobody holds is made a
            // profile, so all her keys are locked
            Holders.firstHeld(user, key -> Optional.ofNullable(held.get(key)).map(ActiveBinding::guid))
                    .ifPresentOrElse(shared::add, () -> toLock.addAll(user));
        }
        shared.removeAll(toLock);
        if (tx.locksRows()) {
            toLock.addAll(keysHeldBy(keys, guids));
        }
        lockKeys(toLock, shared, meantFor(newUsers));
        Set<IdentityKey> fresh = new LinkedHashSet<>(toLock);
        fresh.addAll(shared);
        fresh.addAll(followed);
        loadBindings(fresh);
        for (IdentityKey key : followed) {
            if (!lockedKeys.containsKey(key) && !shared.contains(key)) {
                followedUnlocked.add(key);
            }
        }
        followedUsers.forEach(user -> settle(user, shared));
        Set<String> verified = new HashSet<>(guids);
        verified.addAll(hints.profiles);
        keys.forEach(key -> holderOf(key).ifPresent(verified::add));
        hints.keys.forEach(key -> holderOf(key).ifPresent(verified::add));
        Set<String> wanted = new HashSet<>(verified);
        for (List<IdentityKey> user : profileUsers) {
            Holders.first(user, this::holderOf).ifPresent(wanted::add);
        }
        loadProfiles(wanted);
        return verified;
    }

    /**
     * A followed user whose keys changed between the read that chose the locks and the locks: the key that names her
     * profile now is locked shared and read again, until the key read names the profile under its lock. When none
     * names one, she is made a profile, and the key bound for her is locked then ({@link #bind}): her other keys
     * being taken by someone after this read puts that write after this one. Out of the order: a lock held by
     * another write makes the unit run again. A user whose keys change under every one of three such locks is left
     * with the last one read.
     */
    private void settle(List<IdentityKey> user, Set<IdentityKey> shared) {
        if (lockedKeys.keySet().containsAll(user)) {
            return;
        }
        for (int round = 0; round < RELOCK_ROUNDS; round++) {
            Optional<IdentityKey> naming = Holders.firstHeld(user, this::holderOf);
            if (naming.isEmpty() || shared.contains(naming.get()) || lockedKeys.containsKey(naming.get())) {
                return;
            }
            tx.bindings().lockKeys(accountId, List.of(), List.of(naming.get()), Map.of(), RowLock.SHARED_OUT_OF_ORDER);
            shared.add(naming.get());
            readAgain(List.of(naming.get()));
        }
    }

    /** Reads these keys' bindings again, now that they are locked (the unit has changed none of them yet). */
    private void readAgain(Collection<IdentityKey> keys) {
        keys.forEach(active::remove);
        followedUnlocked.removeAll(keys);
        loadBindings(keys);
    }

    /** The keys these loaded profiles hold now that the unit has not locked: it may end any of them. */
    private Set<IdentityKey> keysNotLocked(Set<String> guids) {
        if (!tx.locksRows()) {
            return Set.of();
        }
        Set<IdentityKey> unlocked = new HashSet<>();
        for (String guid : guids) {
            profiles.getOrDefault(guid, Optional.empty()).ifPresent(p -> p.identities.values().forEach(binding -> {
                if (!lockedKeys.containsKey(binding.key)) {
                    unlocked.add(binding.key);
                }
            }));
        }
        return unlocked;
    }

    /** Forgets what the unit locked and loaded, after going back to before its locks. */
    private void forgetLoaded() {
        readUnbound.clear();
        madeAsMeant.clear();
        active.clear();
        profiles.clear();
        lockedKeys.clear();
        followedUnlocked.clear();
        profilesLocked = false;
    }

    /**
     * Locks the keys of a disassociation and the profiles that hold them, which lose the binding and their mirrored
     * property; the profiles are not read (their property goes set-based at the flush).
     */
    void preloadKeys(Collection<IdentityKey> keys) {
        lockKeys(keys, RowLock.IN_ORDER);
        loadBindings(keys);
        Set<String> holders = new HashSet<>();
        keys.forEach(key -> holderOf(key).ifPresent(holders::add));
        tx.profiles().lock(accountId, holders, profileLock());
        profilesLocked |= !holders.isEmpty();
    }

    /**
     * The keys the holders of these keys and these profiles hold now, read without locks: what the unit may end too
     * (a value replaced, a merge, a delete, a demerge), to be locked with the keys it names, in order.
     */
    private Set<IdentityKey> keysHeldBy(Collection<IdentityKey> keys, Collection<String> guids) {
        Set<String> profiles = new HashSet<>(guids);
        profiles.addAll(hints.profiles);
        Map<IdentityKey, ActiveBinding> bound = tx.bindings().active(accountId, keys);
        bound.values().forEach(binding -> profiles.add(binding.guid()));
        keys.stream().filter(key -> !bound.containsKey(key)).forEach(readUnbound::add);
        Set<IdentityKey> theirs = new HashSet<>();
        tx.bindings().activeOf(accountId, profiles).forEach(binding -> theirs.add(binding.key()));
        return theirs;
    }

    private void lockKeys(Collection<IdentityKey> keys, RowLock lock) {
        List<IdentityKey> unlocked = keys.stream().filter(k -> !lockedKeys.containsKey(k)).distinct().toList();
        if (unlocked.isEmpty()) {
            return;
        }
        locked(unlocked, tx.bindings().lockKeys(accountId, unlocked, lock), Map.of());
    }

    /**
     * Locks these keys for the unit alone and those of {@code shared} shared, in one pass in the one order; a row made
     * for a key of {@code meant} is made as that row.
     */
    private void lockKeys(Collection<IdentityKey> keys, Collection<IdentityKey> shared,
                          Map<IdentityKey, KeyRow> meant) {
        locked(keys, tx.bindings().lockKeys(accountId, keys, shared, meant, RowLock.IN_ORDER), meant);
    }

    /**
     * What the unit means to write to the rows of these new users' keys, where rows are locked and the read before
     * the locks found each of her keys unbound: her first identity and her claims held by the profile it will make her
     * (its GUID chosen now), changed now. A guess only: a row made so that ends otherwise (another profile, nobody, a
     * later second of the unit's time) is written again at the flush.
     */
    private Map<IdentityKey, KeyRow> meantFor(Collection<NewUser> newUsers) {
        if (!tx.locksRows() || newUsers.isEmpty()) {
            return Map.of();
        }
        // the clock as the unit will most likely read it at its first change, soon after (now() is read after the
        // locks, which may wait)
        long madeAt = clock.instant().getEpochSecond();
        Map<IdentityKey, KeyRow> meant = new HashMap<>();
        for (NewUser user : newUsers) {
            if (readUnbound.containsAll(user.named())) {
                String guid = reservedGuids.computeIfAbsent(user.lookupKeys(), k -> Guids.newGuid());
                user.toBind().forEach(key -> meant.put(key, new KeyRow(key, Optional.of(guid), madeAt)));
            }
        }
        return meant;
    }

    /** Takes the GUID chosen for the new user of these lookup keys when her keys were locked: once. */
    Optional<String> takeReservedGuid(List<IdentityKey> lookupKeys) {
        return Optional.ofNullable(reservedGuids.remove(lookupKeys));
    }

    /**
     * Notes these keys as the unit's, with when each last changed, and a locked row that names nobody as a key nobody
     * holds (its row changes with each start and end of its binding, so there is no binding to read) where the read
     * before the locks found it unbound too: a row missing for a bound key (made just now, naming nobody) costs a
     * read then, not a wrong answer. A row that came back as {@code meant} it was made so by the unit: nobody held its
     * key before, which is what the unit notes.
     */
    private void locked(Collection<IdentityKey> keys, Map<IdentityKey, KeyRow> rows,
                        Map<IdentityKey, KeyRow> meant) {
        Map<IdentityKey, KeyRow> asBefore = new HashMap<>(rows);
        meant.forEach((key, row) -> {
            // a row comes back as the unit meant it only where the unit made it so: before, nobody held the key
            if (row.equals(rows.get(key))) {
                madeAsMeant.put(key, row);
                asBefore.put(key, new KeyRow(key, Optional.empty(), 0));
            }
        });
        keys.forEach(key -> lockedKeys.put(key,
                Optional.ofNullable(asBefore.get(key)).map(KeyRow::changedAt).orElse(0L)));
        asBefore.values().stream().filter(row -> row.holder().isEmpty() && readUnbound.contains(row.key()))
                .forEach(row -> active.putIfAbsent(row.key(), Optional.empty()));
    }

    /**
     * Locks a key for the unit that it found late, after it took later locks in the order: without waiting, and
     * learned for the next run. A key bound to a profile the unit holds cannot change under the unit; the keys of an
     * event's user are read again after it ({@link #settle}).
     */
    private void lockLate(IdentityKey key) {
        if (lockedKeys.containsKey(key)) {
            return;
        }
        hints.keys.add(key);
        lockKeys(List.of(key), RowLock.OUT_OF_ORDER);
    }

    /** In the order while no profile is locked yet; after that, out of it. */
    private RowLock profileLock() {
        return profilesLocked ? RowLock.OUT_OF_ORDER : RowLock.IN_ORDER;
    }

    private Optional<String> holderOf(IdentityKey key) {
        return active.getOrDefault(key, Optional.empty()).map(b -> b.guid);
    }

    private void loadBindings(Collection<IdentityKey> keys) {
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
        if (profilesLocked) {
            hints.profiles.addAll(unknown);
        }
        Map<String, StoredProfile> found = tx.profiles().find(accountId, unknown, profileLock());
        profilesLocked = true;
        unknown.forEach(guid -> profiles.put(guid, Optional.ofNullable(found.get(guid)).map(UnitState::loaded)));
        for (ActiveBinding binding : tx.bindings().activeOf(accountId, found.keySet())) {
            current(binding).ifPresent(state ->
                    profiles.getOrDefault(binding.guid(), Optional.empty())
                            .ifPresent(p -> p.identities.put(binding.key().kind(), state)));
        }
    }

    /**
     * The unit's view of a stored binding: the one it already tracks, or a new tracked one. Empty when the unit has
     * ended it or bound its key elsewhere since: what the unit did wins over what is stored. A key only followed
     * (read before the locks, without its own) takes the binding read with its profile's lock, which is current.
     */
    private Optional<BindingState> current(ActiveBinding binding) {
        if (!active.containsKey(binding.key()) || followedUnlocked.remove(binding.key())) {
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

    /** The active binding of this key now, within this unit; a key not loaded yet is locked late first. */
    Optional<BindingState> binding(IdentityKey key) {
        Optional<BindingState> known = active.get(key);
        if (known != null) {
            return known;
        }
        lockLate(key);
        loadBindings(List.of(key));
        return active.getOrDefault(key, Optional.empty());
    }

    /**
     * Locks the profiles merged into this one (a merge points them at its survivor, a delete deletes them, a demerge
     * gives them back), found through it after it was locked: out of the order, learned for the next run. A merged
     * profile changes only with the profile it was merged into, so the read that finds them is current.
     */
    List<String> lockMergedInto(Collection<String> guids) {
        List<String> merged = tx.profiles().mergedInto(accountId, guids, RowLock.NONE);
        if (!merged.isEmpty() && tx.locksRows()) {
            hints.profiles.addAll(merged);
            tx.profiles().lock(accountId, merged, profileLock());
        }
        return merged;
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
        lockLate(key);
        long at = at(key, 0);
        BindingState binding = BindingState.started(Guids.newGuid(), key, profile.guid, at, reason);
        bindings.add(binding);
        active.put(key, Optional.of(binding));
        profile.identities.put(key.kind(), binding);
        profile.touch();
        keyChanged(key, Optional.of(profile.guid), at);
        changes.add(new IdentityChange.BindingStarted(key, profile.guid, reason, at));
    }

    /** Ends the active binding of this key, if any; returns the GUID that held it. */
    Optional<String> unbind(IdentityKey key, BindingReason reason) {
        Optional<BindingState> ending = binding(key);
        ending.ifPresent(binding -> {
            lockLate(key);
            long at = at(key, binding.startedAt);
            binding.end(at, reason);
            if (binding.stored) {
                bindings.add(binding);
            }
            active.put(key, Optional.empty());
            profiles.getOrDefault(binding.guid, Optional.empty()).ifPresent(p -> p.identities.remove(key.kind()));
            keyChanged(key, Optional.empty(), at);
            changes.add(new IdentityChange.BindingEnded(key, binding.guid, reason, at));
        });
        return ending.map(b -> b.guid);
    }

    /**
     * The bindings of deleted profiles end with them ({@code deleted}); their keys are locked (late where the unit
     * did not name them) and left held by nobody.
     */
    void released(ActiveBinding binding) {
        lockLate(binding.key());
        long at = at(binding.key(), binding.since());
        keyChanged(binding.key(), Optional.empty(), at);
        changes.add(new IdentityChange.BindingEnded(binding.key(), binding.guid(), BindingReason.DELETED, at));
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
     * An event of the profile. Its row is not rewritten for it, as an event changes none of its properties (rewriting
     * a random profile's row for every event took half of event upload's time on SQLite): the key that named the
     * profile is locked (shared, for an event's user), so a delete or merge of it waits for the event.
     */
    void addEvent(String guid, String arrivedAs, String name, long ts, ObjectNode data) {
        events.add(new NewEvent(Guids.newGuid(), guid, arrivedAs, name, ts, data.toString()));
    }

    /** The merges into this profile after {@code since}: those stored and those of this unit. */
    int mergesIntoSince(String guid, long since) {
        long stored = tx.profiles().mergesInto(accountId, List.of(guid)).stream()
                .filter(merge -> merge.at() > since).count();
        return (int) (stored + merges.stream().filter(merge -> merge.into().equals(guid)).count());
    }

    void mergeRefused(String from, String into, int mergedInADay) {
        changes.add(new IdentityChange.MergeRefused(from, into, mergedInADay, now()));
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

    List<IdentityChange> changes() {
        return List.copyOf(changes);
    }

    /** Writes every change of the unit: a handful of set-based statements, bindings before profiles they touch. */
    void flush(WriteTx write, Optional<Stamp> stamp) {
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
        endings().forEach((ending, keys) -> write.bindings().endActive(accountId, keys, ending.at(), ending.reason(),
                stamp));
        write.bindings().insert(accountId, bindings.stream().flatMap(b -> b.asNew().stream()).toList(), stamp);
        write.bindings().recordKeys(accountId, keyRowsToWrite());
        write.events().insert(accountId, events);
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
            write.bindings().forgetProfiles(accountId, deleted, now(), stamp);
            write.events().delete(accountId, deleted);
            write.profiles().delete(accountId, deleted);
        }
    }

    /**
     * The rows of the keys whose binding started or ended in this unit, as they are at its end, but for those it made
     * as they end; and a row it made naming a new user's profile that ends otherwise (her record refused, or a key of
     * hers replaced in it), back to naming nobody where no binding of its key started.
     */
    private List<KeyRow> keyRowsToWrite() {
        Map<IdentityKey, KeyRow> atEnd = new LinkedHashMap<>();
        keyHolders.forEach((key, holder) ->
                atEnd.put(key, new KeyRow(key, holder, lockedKeys.getOrDefault(key, now()))));
        madeAsMeant.keySet().forEach(key -> atEnd.putIfAbsent(key, new KeyRow(key, Optional.empty(), 0)));
        return atEnd.values().stream().filter(row -> !row.equals(madeAsMeant.get(row.key()))).toList();
    }

    /** The stored bindings this unit ended, by reason and time: one statement for each (usually one time). */
    private Map<BindingState.Ending, List<IdentityKey>> endings() {
        return bindings.stream().filter(b -> b.storedEnding().isPresent())
                .collect(Collectors.groupingBy(b -> b.storedEnding().orElseThrow(), LinkedHashMap::new,
                        Collectors.mapping(b -> b.key, Collectors.toList())));
    }
}
