package dev.tether.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Guids;
import dev.tether.identity.Holders;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.store.ActiveBinding;
import dev.tether.store.MergeRecord;
import dev.tether.store.ReadTx;
import dev.tether.store.Stamp;
import dev.tether.store.WriteTx;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The one owner of the binding lifecycle of one account within one unit of work: bind, replace, transfer, merge,
 * disassociate and delete, with their reasons, the property that mirrors a binding, and the history clock.
 * Operations call it and never touch bindings or mirrored properties themselves. What it changed is reported as
 * {@link IdentityChange}s and written by {@link #flush}.
 *
 * <p>The mirror rule: while a kind (Identity, Email, Phone) is an identity of the account, the property of that
 * name is either absent or the value of the profile's active binding of that kind. A claim sets it; a binding that
 * ends for any reason but a merge takes it away; a merge never copies it.
 */
public final class IdentityCore {
    private static final long DAY_SECONDS = 86_400;
    private static final Comparator<IdentityKey> RESOLUTION_ORDER = Comparator.comparing(IdentityKey::kind);

    private final Account account;
    private final UnitState state;
    /** Since when the holder of each number read by {@link #preloadDisassociations} has had it (epoch seconds). */
    private final Map<IdentityKey, Long> tenures = new HashMap<>();

    public IdentityCore(Account account, ReadTx tx, Clock clock) {
        this(account, tx, clock, LockHints.none());
    }

    /** With what earlier runs of the same request learned they must lock ({@link LockHints}). */
    public IdentityCore(Account account, ReadTx tx, Clock clock, LockHints hints) {
        this.account = account;
        this.state = new UnitState(account.id(), tx, clock, hints);
    }

    /**
     * Locks and reads, in a few set-based statements, the bindings of these keys and the profiles they and the GUIDs
     * name (with the keys those profiles hold, which the unit may end too).
     */
    public void preload(Collection<IdentityKey> keys, Collection<String> guids) {
        state.preload(keys, List.of(), List.of(), guids, List.of());
    }

    /**
     * {@link #preload}; the profiles of {@code profileUsers}, whose identities the unit does not change (records
     * without claims), found through the key that names each, locked shared; and the bindings of the lookup keys of
     * {@code followedUsers} without their profiles: users the
     * unit only follows to a GUID ({@link #firstHolderGuid}), as an event's. The key that names a user's profile is
     * locked shared, so that no write moves or ends it, or deletes or merges that profile, before the unit ends, while
     * other batches of her events go on; her profile is neither read nor locked. The keys of a user nobody holds are
     * locked for the unit, as it will make her a profile. An event at a random profile of a big account then costs no
     * read of that profile's row and identities. The rows the unit makes for the keys of {@code newUsers} that it
     * found nobody holding name the profile it will make her, so that its flush need not write them again.
     */
    public void preload(Collection<IdentityKey> keys, Collection<List<IdentityKey>> profileUsers,
                        Collection<List<IdentityKey>> followedUsers, Collection<String> guids,
                        Collection<NewUser> newUsers) {
        state.preload(keys, profileUsers, followedUsers, guids, newUsers);
    }

    /**
     * The GUID of a new profile found by these lookup keys: the one the unit chose for her when it locked her keys
     * ({@link NewUser}), so that the rows it made for them already name it; else a new one.
     */
    public String newProfileGuid(List<IdentityKey> lookupKeys) {
        return state.takeReservedGuid(lookupKeys).orElseGet(Guids::newGuid);
    }

    /** The GUID of the profile that holds this identity now, within this unit of work. */
    private Optional<String> holder(IdentityKey key) {
        return state.binding(key).map(b -> b.guid);
    }

    /** The live profile a GUID answers with: itself, or the one it was merged into. */
    public Optional<ProfileState> live(String guid) {
        return Merges.follow(state.profile(guid), p -> p.mergedInto, state::profile);
    }

    /** The live profile the first of these keys, in their order, names (the resolution rule of {@link Holders}). */
    public Optional<ProfileState> firstHolder(List<IdentityKey> keys) {
        return Holders.first(keys, key -> holder(key).filter(g -> state.profile(g).isPresent())).flatMap(this::live);
    }

    /** The GUID of the profile the first of these keys names, as {@link #firstHolder}, without reading that profile. */
    public Optional<String> firstHolderGuid(List<IdentityKey> keys) {
        return Holders.first(keys, this::holder);
    }

    /**
     * The identity a new profile found by none of these lookup keys is bound as: Phone if the value is a phone
     * number (and Phone an identity), else Email if it is an email, else the first key (Identity, FBID or GPID).
     */
    public static IdentityKey newProfileIdentity(List<IdentityKey> lookupKeys) {
        for (IdentityKind kind : List.of(IdentityKind.PHONE, IdentityKind.EMAIL)) {
            Optional<IdentityKey> match = lookupKeys.stream().filter(k -> k.kind() == kind).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
        }
        return lookupKeys.get(0);
    }

    /** A new profile; its first identity, if any, is bound without a property (it came from the lookup). */
    public ProfileState create(String guid, Optional<IdentityKey> firstIdentity) {
        ProfileState created = state.createProfile(guid);
        firstIdentity.ifPresent(key -> state.bind(created, key, BindingReason.UPLOADED));
        return created;
    }

    /**
     * The merge limit (docs/API.md section 3, "Merge limit"): when absorbing {@code losers} would take
     * {@code survivor} past the account's merges in any 24 hours, how many it absorbed in the 24 hours before the
     * unit's time, each refused merge noted for the account's webhooks; empty when the merges may go ahead. The
     * survivor is locked, so no other write merges into it meanwhile.
     */
    public OptionalInt mergeLimitPassed(String survivor, Collection<String> losers) {
        if (losers.isEmpty()) {
            return OptionalInt.empty();
        }
        int merged = state.mergesIntoSince(survivor, state.now() - DAY_SECONDS);
        if (merged + losers.size() <= account.maxMergesPerDay()) {
            return OptionalInt.empty();
        }
        losers.forEach(loser -> state.mergeRefused(loser, survivor, merged));
        return OptionalInt.of(merged);
    }

    /** The identities among these claims that another profile holds, with their holders, in resolution order. */
    public Map<IdentityKey, String> conflicts(String guid, Collection<IdentityKey> claims) {
        Map<IdentityKey, String> conflicts = new LinkedHashMap<>();
        for (IdentityKey key : inResolutionOrder(claims)) {
            holder(key).filter(h -> !h.equals(guid)).ifPresent(h -> conflicts.put(key, h));
        }
        return conflicts;
    }

    /**
     * The properties a profile would have after merging the holders of these conflicts into it under the account's
     * policy: what {@link #claim} will do to them, computed on the caller's copy without changing the unit.
     * Fills {@code properties} in place and returns it.
     */
    public ObjectNode propertiesAfterClaims(ObjectNode properties, Map<IdentityKey, String> conflicts) {
        ObjectNode result = properties;
        if (account.conflictPolicy() == ConflictPolicy.MERGE) {
            for (String holder : new LinkedHashSet<>(conflicts.values())) {
                state.profile(holder).ifPresent(loser -> fill(result, loser.ownProperties()));
            }
        }
        return result;
    }

    /**
     * Makes these identities the profile's, in resolution order: an identity nobody holds is bound, one another
     * profile holds is taken under the account's conflict policy ({@code transfer} or {@code merge}; under
     * {@code reject} the caller must have refused the record), and a different earlier value of the same kind on
     * the profile is replaced. Each claimed value becomes the profile's mirrored property.
     */
    public void claim(ProfileState profile, Collection<IdentityKey> claims) {
        List<IdentityKey> ordered = inResolutionOrder(claims);
        for (IdentityKey key : ordered) {
            Optional<String> holder = holder(key);
            if (holder.isEmpty()) {
                bindReplacing(profile, key, BindingReason.UPLOADED);
            } else if (!holder.get().equals(profile.guid)) {
                take(profile, key, holder.get(), ordered);
            }
            mirror(profile, key);
        }
    }

    private void take(ProfileState profile, IdentityKey key, String holder, List<IdentityKey> claims) {
        switch (account.conflictPolicy()) {
            case TRANSFER:
                end(key, BindingReason.TRANSFERRED);
                bindReplacing(profile, key, BindingReason.TRANSFERRED);
                break;
            case MERGE:
                merge(state.profile(holder).orElseThrow(), profile, claims);
                break;
            default:
                throw new IllegalStateException(key.kind().storedName() + " is held by another profile and the"
                        + " account's policy is reject: the record had to be refused before its claims");
        }
    }

    /**
     * CleverTap's merge of {@code loser} into {@code survivor}: the loser's claimed values move (replacing the
     * survivor's of the same kind), its other values move where the survivor holds none of that kind and end
     * otherwise, its properties fill the keys the survivor lacks (never a mirrored one), its events follow when the
     * unit is written, and its GUID answers with the survivor from now on, as does every profile merged into it.
     */
    private void merge(ProfileState loser, ProfileState survivor, List<IdentityKey> claims) {
        List<String> copied = fill(survivor.ownProperties(), loser.ownProperties());
        for (BindingState binding : List.copyOf(loser.identities.values())) {
            state.unbind(binding.key, BindingReason.MERGED);
            if (claims.contains(binding.key)) {
                bindReplacing(survivor, binding.key, BindingReason.MERGED);
            } else if (survivor.identity(binding.key.kind()).isEmpty()) {
                state.bind(survivor, binding.key, BindingReason.MERGED);
            }
        }
        loser.mergedInto = Optional.of(survivor.guid);
        state.lockMergedInto(List.of(loser.guid));
        state.loadedMergedInto(loser.guid).forEach(p -> p.mergedInto = Optional.of(survivor.guid));
        survivor.touch();
        state.merged(new MergeRecord(loser.guid, survivor.guid, state.now(), copied));
    }

    /** Copies into {@code into} every key of {@code from} it lacks, except mirrored ones; returns the keys copied. */
    private List<String> fill(ObjectNode into, ObjectNode from) {
        List<String> copied = new ArrayList<>();
        from.fields().forEachRemaining(field -> {
            if (!into.has(field.getKey()) && account.mirroredKind(field.getKey()).isEmpty()) {
                into.set(field.getKey(), field.getValue());
                copied.add(field.getKey());
            }
        });
        return copied;
    }

    /** Binds the key to the profile; a different value of the same kind on the profile ends ({@code replaced}). */
    private void bindReplacing(ProfileState profile, IdentityKey key, BindingReason reason) {
        Optional<IdentityKey> current = profile.identity(key.kind());
        if (current.isPresent() && current.get().equals(key)) {
            return;
        }
        current.ifPresent(old -> end(old, BindingReason.REPLACED));
        state.bind(profile, key, reason);
    }

    /** Ends the active binding of a key; its holder loses the mirrored property (a merged-away holder keeps it). */
    private Optional<String> end(IdentityKey key, BindingReason reason) {
        Optional<String> holder = state.unbind(key, reason);
        if (!reason.keepsTheValueWithThePerson()) {
            holder.ifPresent(guid -> account.mirroredKind(key.kind().propertyKey())
                    .ifPresent(kind -> state.removeProperty(guid, kind.propertyKey())));
        }
        return holder;
    }

    private void mirror(ProfileState profile, IdentityKey key) {
        if (account.mirroredKind(key.kind().propertyKey()).isPresent()) {
            profile.putText(key.kind().propertyKey(), key.value());
        }
    }

    /**
     * Sets the profile's properties to these, except the mirrored ones, which keep showing its bindings: an
     * operation changes properties through here and bindings only through {@link #claim}. The profile takes the
     * node: the caller passes its own copy (from {@link ProfileState#properties}) and does not use it again.
     */
    public void setProperties(ProfileState profile, ObjectNode properties) {
        ObjectNode result = properties;
        for (IdentityKind kind : IdentityKind.values()) {
            account.mirroredKind(kind.propertyKey()).ifPresent(mirrored -> {
                result.remove(kind.propertyKey());
                Optional.ofNullable(profile.ownProperties().get(kind.propertyKey()))
                        .ifPresent(value -> result.set(kind.propertyKey(), value));
            });
        }
        profile.replaceProperties(result);
    }

    /** Removes a mirrored property only; the binding stays ({@code {"Phone":{"$delete":true}}}). */
    public void removeMirroredProperty(ProfileState profile, IdentityKind kind) {
        profile.removeProperty(kind.propertyKey());
    }

    /** An event for a profile, sent under {@code arrivedAs} (kept through merges, for a demerge to give it back). */
    public void addEvent(String guid, String arrivedAs, String name, long ts, ObjectNode data) {
        state.addEvent(guid, arrivedAs, name, ts, data);
    }

    /** What a disassociation did. */
    public enum Disassociation { CUT, NOT_HELD, HELD_SINCE_AFTER }

    /**
     * Locks and reads these numbers for a disassociation, and the histories of those sent with a day of
     * disconnection (one statement), to tell since when their holders have had them.
     */
    public void preloadDisassociations(Collection<IdentityKey> phones, Collection<IdentityKey> dated) {
        state.preloadKeys(phones);
        if (!dated.isEmpty()) {
            state.tx().bindings().histories(account.id(), dated).forEach((key, history) ->
                    Tenure.since(history).ifPresent(since -> tenures.put(key, since)));
        }
    }

    /**
     * Cuts a phone number from the profile that holds it ({@code disassociated}); the profile keeps everything else
     * and loses its mirrored Phone property. With {@code disconnectedOn} (UTC), the day a carrier says it was
     * disconnected, only when the person who holds it had it by the end of that day: a holder who took it later is
     * its next owner and keeps it ({@link Disassociation#HELD_SINCE_AFTER}), and nothing changes. Through merges: a
     * merge is never a change of hands ({@link Tenure}).
     */
    public Disassociation disassociate(IdentityKey phone, Optional<LocalDate> disconnectedOn) {
        Optional<BindingState> binding = state.binding(phone);
        if (binding.isEmpty()) {
            return Disassociation.NOT_HELD;
        }
        long since = binding.get().stored ? tenures.getOrDefault(phone, binding.get().startedAt)
                : binding.get().startedAt;
        if (disconnectedOn.filter(day -> since >= day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond())
                .isPresent()) {
            return Disassociation.HELD_SINCE_AFTER;
        }
        end(phone, BindingReason.DISASSOCIATED);
        return Disassociation.CUT;
    }

    /**
     * Deletes these live profiles and every profile merged into them, with their events; their bindings end
     * ({@code deleted}) and forget the GUID. Returns every profile deleted.
     */
    public Set<String> delete(Collection<String> guids) {
        Set<String> all = new LinkedHashSet<>(guids);
        all.addAll(mergedInto(guids));
        if (all.isEmpty()) {
            return all;
        }
        for (ActiveBinding binding : state.tx().bindings().activeOf(account.id(), all)) {
            state.released(binding);
        }
        state.deleted(all);
        return all;
    }

    /**
     * CleverTap's demerge, without its loss: every live profile that holds one of these identities loses all its
     * identities ({@code demerged}), and every profile merged into it becomes its own profile again, with its own
     * GUID, the events that arrived under that GUID (before or after the merge) and the properties it had when it
     * was merged. Keys a merge copied into the profile it was merged into go back with it, unless that profile has
     * changed their value since. A profile given back holds no identity, so it keeps no mirrored property either.
     * The caller names the live profiles that hold the identities (through {@link #firstHolder}).
     */
    public void demerge(Collection<String> holders) {
        state.loadProfiles(holders);
        for (String guid : holders) {
            ProfileState holder = state.profile(guid).orElseThrow();
            Set<String> restored = mergedInto(List.of(guid));
            state.loadProfiles(restored);
            for (BindingState binding : List.copyOf(holder.identities.values())) {
                end(binding.key, BindingReason.DEMERGED);
            }
            List<MergeRecord> merges = new ArrayList<>(
                    state.tx().profiles().mergesInto(account.id(), union(guid, restored)));
            Collections.reverse(merges);
            for (MergeRecord merge : merges) {
                if (restored.contains(merge.from())) {
                    takeBackCopiedKeys(merge);
                }
            }
            for (String guidBack : restored) {
                ProfileState back = state.profile(guidBack).orElseThrow();
                for (IdentityKind kind : IdentityKind.values()) {
                    account.mirroredKind(kind.propertyKey()).ifPresent(k -> back.removeProperty(k.propertyKey()));
                }
                back.mergedInto = Optional.empty();
                back.touch();
            }
            holder.touch();
            state.demerged(guid, restored);
        }
    }

    /**
     * Every profile merged into these, also through profiles merged into them (chains the first release made are
     * followed level by level), read through the index of merged profiles and locked on PostgreSQL.
     */
    private Set<String> mergedInto(Collection<String> guids) {
        Set<String> seen = new LinkedHashSet<>(guids);
        Set<String> merged = new LinkedHashSet<>();
        for (List<String> level = List.copyOf(guids); !level.isEmpty(); ) {
            level = state.lockMergedInto(level).stream().filter(seen::add).toList();
            merged.addAll(level);
        }
        return merged;
    }

    /**
     * Undoes what a merge copied: each key copied from the merged profile into the one it was merged into goes,
     * where that profile still has the copied value (one it changed since is its own now).
     */
    private void takeBackCopiedKeys(MergeRecord merge) {
        ProfileState from = state.profile(merge.from()).orElseThrow();
        state.profile(merge.into()).ifPresent(into -> {
            for (String key : merge.copiedKeys()) {
                JsonNode given = from.ownProperties().get(key);
                if (given != null && given.equals(into.ownProperties().get(key))) {
                    into.removeProperty(key);
                }
            }
        });
    }

    private static List<String> union(String guid, Collection<String> more) {
        List<String> all = new ArrayList<>(List.of(guid));
        all.addAll(more);
        return all;
    }

    /**
     * Sets the address-level status of a phone number or email address: it belongs to the address, so it holds for
     * whoever uses it now or later, and never moves with a profile.
     */
    public void subscribe(IdentityKey address, SubscriptionStatus status) {
        state.subscribe(address, status);
    }

    /** What this unit of work changed, in order. */
    public List<IdentityChange> changes() {
        return state.changes();
    }

    /**
     * Writes every change of this unit of work in the given transaction, its bindings stamped with who made them
     * (unstamped only in the benchmark's rows without an audit trail).
     */
    public void flush(WriteTx tx, Optional<Stamp> stamp) {
        state.flush(tx, stamp);
    }

    private static List<IdentityKey> inResolutionOrder(Collection<IdentityKey> keys) {
        return keys.stream().distinct().sorted(RESOLUTION_ORDER).toList();
    }
}
