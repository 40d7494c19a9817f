package dev.tether.model;

import dev.tether.account.ConflictPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A second reading of the identity rules (the API's sections 2 to 6), written without looking at the server's code:
 * who holds each value, which properties each profile shows, which profiles were merged or deleted, and what each
 * request answers. Small on purpose: plain maps, one account with every identity kind on, values already
 * normalised. The model-based test runs random operations against both this and a real server and compares.
 */
public final class IdentityModel {
    /** Identity kinds in resolution order; each is also the name of the property that mirrors it. */
    public enum Kind { Identity, Email, Phone, FBID }

    /** The kinds whose value a profile property of the same name mirrors. */
    private static final List<Kind> MIRRORED = List.of(Kind.Identity, Kind.Email, Kind.Phone);

    public record Key(Kind kind, String value) {
        @Override
        public String toString() {
            return kind + ":" + value;
        }
    }

    /** One binding in the history of a value: who held it (empty once deleted), why it started and ended. */
    public static final class Held {
        Optional<String> profile;
        final String started;
        Optional<String> ended = Optional.empty();

        Held(String profile, String started) {
            this.profile = Optional.of(profile);
            this.started = started;
        }

        public Optional<String> profile() {
            return profile;
        }

        public String started() {
            return started;
        }

        public Optional<String> ended() {
            return ended;
        }
    }

    /** A merge, as recorded: from, into, and the property keys it copied. */
    public record Merge(String from, String into, List<String> copied) {
    }

    /** One profile: its properties (text values only), the profile it was merged into, and its events. */
    public static final class Profile {
        final String id;
        final Map<String, String> properties = new LinkedHashMap<>();
        Optional<String> mergedInto = Optional.empty();
        /** The GUID each of its events was sent to. */
        final List<String> events = new ArrayList<>();

        Profile(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public Map<String, String> properties() {
            return properties;
        }

        public Optional<String> mergedInto() {
            return mergedInto;
        }

        public List<String> events() {
            return events;
        }
    }

    private final ConflictPolicy policy;
    private final boolean emailOn;
    private final boolean phoneOn;
    /** A deliberately wrong model, to show that the comparison catches this kind of bug: merges copy every key. */
    private final boolean mergeCopiesMirrored;
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final Map<Key, String> holders = new LinkedHashMap<>();
    private final Map<Key, List<Held>> history = new LinkedHashMap<>();
    private final List<Merge> merges = new ArrayList<>();
    private int created;
    private final int maxMergesPerDay;

    /** With the account's merge limit: every step of a run falls within one day. */
    public IdentityModel(ConflictPolicy policy, boolean emailOn, boolean phoneOn, boolean mergeCopiesMirrored,
                         int maxMergesPerDay) {
        this.maxMergesPerDay = maxMergesPerDay;
        this.policy = policy;
        this.emailOn = emailOn;
        this.phoneOn = phoneOn;
        this.mergeCopiesMirrored = mergeCopiesMirrored;
    }

    public boolean emailOn() {
        return emailOn;
    }

    public boolean phoneOn() {
        return phoneOn;
    }

    /** Every binding each value ever had, oldest first. */
    public Map<Key, List<Held>> history() {
        return history;
    }

    /** The recorded merges, oldest first; those of deleted profiles are gone. */
    public List<Merge> merges() {
        return merges;
    }

    public Map<Key, String> holders() {
        return holders;
    }

    /** Every profile that exists, live or merged; deleted ones are gone. */
    public Map<String, Profile> profiles() {
        return profiles;
    }

    public Optional<Profile> live(String id) {
        Profile profile = profiles.get(id);
        while (profile != null && profile.mergedInto.isPresent()) {
            profile = profiles.get(profile.mergedInto.get());
        }
        return Optional.ofNullable(profile);
    }

    /** The keys an {@code identity} value is looked up as, in resolution order, for the kinds that are on. */
    List<Key> lookupKeys(String value) {
        List<Key> keys = new ArrayList<>(List.of(new Key(Kind.Identity, value)));
        if (emailOn && value.contains("@")) {
            keys.add(new Key(Kind.Email, value));
        }
        if (phoneOn && value.startsWith("+")) {
            keys.add(new Key(Kind.Phone, value));
        }
        return keys;
    }

    private boolean isOn(Kind kind) {
        return kind == Kind.Identity || (kind == Kind.Email ? emailOn : phoneOn);
    }

    // ---- the operations; each returns the record codes of the records it did not process, in order

    /** How a record names its user. */
    public sealed interface User permits ByIdentity, ByFbid, ByGuid {
    }

    public record ByIdentity(String value) implements User {
    }

    public record ByFbid(String value) implements User {
    }

    /** The value a user by identity or by FBID names. */
    public static String valueOf(User user) {
        return user instanceof ByFbid f ? f.value() : ((ByIdentity) user).value();
    }

    public record ByGuid(String guid) implements User {
    }

    /**
     * A profile record: claims (Identity/Email/Phone values), other properties to set, and mirrored properties to
     * delete. Returns 0 when processed, else the record's code.
     */
    public int uploadProfile(User user, Map<Kind, String> claimed, Map<String, String> setsAsSent,
                             Set<Kind> deletes) {
        if (blocked(user) || claimed.entrySet().stream()
                .anyMatch(claim -> claim.getKey() != Kind.Phone && BLOCKED.contains(claim.getValue()))) {
            return 553;
        }
        Target target = resolve(user);
        Map<Kind, String> claims = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>(setsAsSent);
        claimed.forEach((kind, value) -> {
            if (isOn(kind)) {
                claims.put(kind, value);
            } else {
                sets.put(kind.name(), value);
            }
        });
        List<Key> ordered = claims.entrySet().stream().map(e -> new Key(e.getKey(), e.getValue()))
                .sorted((a, b) -> a.kind().compareTo(b.kind())).toList();
        Map<Key, String> conflicts = new LinkedHashMap<>();
        for (Key key : ordered) {
            String holder = holders.get(key);
            if (holder != null && !holder.equals(target.id)) {
                conflicts.put(key, holder);
            }
        }
        if (!conflicts.isEmpty() && policy == ConflictPolicy.REJECT) {
            return 544;
        }
        if (!conflicts.isEmpty() && policy == ConflictPolicy.MERGE) {
            // the merge limit: the merges into this profile (a demerge forgets those of the profiles it gives back)
            long merged = merges.stream().filter(merge -> merge.into().equals(target.id)).count();
            if (merged + new LinkedHashSet<>(conflicts.values()).size() > maxMergesPerDay) {
                return 554;
            }
        }
        Map<String, String> properties = new LinkedHashMap<>(target.existing ? profiles.get(target.id).properties
                : Map.of());
        if (policy == ConflictPolicy.MERGE) {
            for (String loser : new LinkedHashSet<>(conflicts.values())) {
                fill(properties, profiles.get(loser).properties);
            }
        }
        properties.putAll(sets);
        Profile profile = target.materialize();
        for (Key key : ordered) {
            String holder = holders.get(key);
            if (holder == null) {
                bindReplacing(profile, key, "uploaded");
            } else if (!holder.equals(profile.id)) {
                if (policy == ConflictPolicy.TRANSFER) {
                    end(key, "transferred");
                    bindReplacing(profile, key, "transferred");
                } else {
                    merge(profiles.get(holder), profile, ordered);
                }
            }
            profile.properties.put(key.kind().name(), key.value());
        }
        Map<String, String> result = new LinkedHashMap<>(properties);
        for (Kind kind : MIRRORED) {
            if (isOn(kind)) {
                result.remove(kind.name());
                Optional.ofNullable(profile.properties.get(kind.name())).ifPresent(v -> result.put(kind.name(), v));
            }
        }
        profile.properties.clear();
        profile.properties.putAll(result);
        deletes.forEach(kind -> profile.properties.remove(kind.name()));
        return 0;
    }

    public int uploadEvent(User user) {
        if (blocked(user)) {
            return 553;
        }
        Profile profile = resolve(user).materialize();
        profile.events.add(user instanceof ByGuid g ? g.guid() : profile.id);
        return 0;
    }

    /**
     * Returns the code of each record, 0 when processed; each number sent with a day of disconnection before any
     * binding of the run ({@code beforeAll}) stays with a holder who took it after that day (552).
     */
    public List<Integer> disassociate(List<String> phones, boolean beforeAll) {
        List<Integer> codes = new ArrayList<>();
        for (String phone : phones) {
            Key key = new Key(Kind.Phone, phone);
            codes.add(!phoneOn ? 542 : beforeAll ? (holders.containsKey(key) ? 552 : 543)
                    : end(key, "disassociated") ? 0 : 543);
        }
        return codes;
    }

    /** The defaults of the account's blocked values that the model's values can be (section 7d). */
    private static final Set<String> BLOCKED = Set.of("guest");

    /** A record whose {@code identity} is a blocked value is 553 before anything else is read. */
    private static boolean blocked(User user) {
        return user instanceof ByIdentity i && BLOCKED.contains(i.value());
    }

    /** Returns how many profiles the values named that existed. */
    public int delete(User user) {
        Optional<Profile> named = user instanceof ByGuid g ? live(g.guid())
                : lookupKeys(valueOf(user)).stream().map(holders::get).filter(h -> h != null)
                        .findFirst().map(profiles::get);
        if (named.isEmpty()) {
            return 0;
        }
        Set<String> gone = new LinkedHashSet<>(List.of(named.get().id));
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Profile p : profiles.values()) {
                if (p.mergedInto.isPresent() && gone.contains(p.mergedInto.get())) {
                    grew |= gone.add(p.id);
                }
            }
        }
        holders.values().removeIf(gone::contains);
        for (List<Held> bindings : history.values()) {
            for (Held held : bindings) {
                if (held.profile.isPresent() && gone.contains(held.profile.get())) {
                    if (held.ended.isEmpty()) {
                        held.ended = Optional.of("deleted");
                    }
                    held.profile = Optional.empty();
                }
            }
        }
        merges.removeIf(m -> gone.contains(m.from()) || gone.contains(m.into()));
        gone.forEach(profiles::remove);
        return 1;
    }

    /**
     * The profile the value names loses all its identities ({@code demerged}); every profile merged into it comes
     * back with the events sent to its GUID and its own properties, and takes back the keys its merge copied where
     * the survivor still has the copied value. Returns how many profiles were demerged.
     */
    public int demerge(String value) {
        Optional<Profile> named = lookupKeys(value).stream().map(holders::get).filter(h -> h != null)
                .findFirst().map(profiles::get);
        if (named.isEmpty()) {
            return 0;
        }
        Profile holder = named.get();
        Set<String> back = new LinkedHashSet<>();
        profiles.values().stream().filter(p -> p.mergedInto.equals(Optional.of(holder.id))).forEach(p -> back.add(p.id));
        for (Key key : List.copyOf(holders.keySet())) {
            if (holder.id.equals(holders.get(key))) {
                end(key, "demerged");
            }
        }
        List<Merge> newestFirst = new ArrayList<>(merges);
        Collections.reverse(newestFirst);
        for (Merge merge : newestFirst) {
            if (back.contains(merge.from())) {
                Map<String, String> into = profiles.get(merge.into()).properties;
                Map<String, String> from = profiles.get(merge.from()).properties;
                merge.copied().stream().filter(k -> from.get(k) != null && from.get(k).equals(into.get(k)))
                        .forEach(into::remove);
            }
        }
        merges.removeIf(m -> back.contains(m.from()));
        for (String id : back) {
            Profile given = profiles.get(id);
            given.mergedInto = Optional.empty();
            given.properties.keySet().removeIf(this::isMirrored);
            holder.events.stream().filter(id::equals).forEach(given.events::add);
            holder.events.removeIf(id::equals);
        }
        return 1;
    }

    // ---- the rules

    private record Target(String id, boolean existing, Optional<Key> firstIdentity, IdentityModel model) {
        Profile materialize() {
            if (existing) {
                return model.profiles.get(id);
            }
            Profile created = new Profile(id);
            model.profiles.put(id, created);
            firstIdentity.ifPresent(key -> model.bind(key, id, "uploaded"));
            return created;
        }
    }

    private Target resolve(User user) {
        if (user instanceof ByGuid g) {
            return live(g.guid()).map(p -> new Target(p.id, true, Optional.empty(), this))
                    .orElseGet(() -> new Target(g.guid(), false, Optional.empty(), this));
        }
        List<Key> keys = user instanceof ByFbid f ? List.of(new Key(Kind.FBID, f.value()))
                : lookupKeys(((ByIdentity) user).value());
        Optional<String> holder = keys.stream().map(holders::get).filter(h -> h != null).findFirst();
        return holder.map(h -> new Target(h, true, Optional.empty(), this))
                .orElseGet(() -> new Target("m" + (++created), false, Optional.of(keys.get(keys.size() - 1)), this));
    }

    private List<String> fill(Map<String, String> into, Map<String, String> from) {
        List<String> copied = new ArrayList<>();
        from.forEach((key, value) -> {
            if (!into.containsKey(key) && (mergeCopiesMirrored || !isMirrored(key))) {
                into.put(key, value);
                copied.add(key);
            }
        });
        return copied;
    }

    private boolean isMirrored(String key) {
        for (Kind kind : MIRRORED) {
            if (kind.name().equals(key)) {
                return isOn(kind);
            }
        }
        return false;
    }

    private void bind(Key key, String profile, String reason) {
        holders.put(key, profile);
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(new Held(profile, reason));
    }

    private Optional<Key> heldOfKind(Profile profile, Kind kind) {
        return holders.entrySet().stream().filter(e -> e.getValue().equals(profile.id) && e.getKey().kind() == kind)
                .map(Map.Entry::getKey).findFirst();
    }

    private void bindReplacing(Profile profile, Key key, String reason) {
        Optional<Key> current = heldOfKind(profile, key.kind());
        if (current.isPresent() && current.get().equals(key)) {
            return;
        }
        current.ifPresent(old -> end(old, "replaced"));
        bind(key, profile.id, reason);
    }

    /** Ends a key's binding; its holder loses the mirrored property unless the binding ends by a merge. */
    private boolean end(Key key, String reason) {
        String holder = holders.remove(key);
        if (holder == null) {
            return false;
        }
        List<Held> bindings = history.get(key);
        bindings.get(bindings.size() - 1).ended = Optional.of(reason);
        if (!reason.equals("merged")) {
            profiles.get(holder).properties.remove(key.kind().name());
        }
        return true;
    }

    private void merge(Profile loser, Profile survivor, Collection<Key> claims) {
        merges.add(new Merge(loser.id, survivor.id, fill(survivor.properties, loser.properties)));
        for (Kind kind : Kind.values()) {
            Optional<Key> held = heldOfKind(loser, kind);
            if (held.isEmpty()) {
                continue;
            }
            end(held.get(), "merged");
            if (claims.contains(held.get())) {
                bindReplacing(survivor, held.get(), "merged");
            } else if (heldOfKind(survivor, kind).isEmpty()) {
                bind(held.get(), survivor.id, "merged");
            }
        }
        survivor.events.addAll(loser.events);
        loser.events.clear();
        loser.mergedInto = Optional.of(survivor.id);
        for (Profile p : profiles.values()) {
            if (p.mergedInto.equals(Optional.of(loser.id))) {
                p.mergedInto = Optional.of(survivor.id);
            }
        }
    }
}
