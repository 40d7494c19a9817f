package dev.tether.model;

import dev.tether.account.ConflictPolicy;
import java.util.ArrayList;
import java.util.Collection;
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
    public enum Kind { Identity, Email, Phone }

    public record Key(Kind kind, String value) {
        @Override
        public String toString() {
            return kind + ":" + value;
        }
    }

    /** One profile: its properties (text values only), the profile it was merged into, and its events. */
    public static final class Profile {
        final String id;
        final Map<String, String> properties = new LinkedHashMap<>();
        Optional<String> mergedInto = Optional.empty();
        int events;

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

        public int events() {
            return events;
        }
    }

    private final ConflictPolicy policy;
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final Map<Key, String> holders = new LinkedHashMap<>();
    private int created;

    public IdentityModel(ConflictPolicy policy) {
        this.policy = policy;
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

    /** The keys an {@code identity} value is looked up as, in resolution order. */
    static List<Key> lookupKeys(String value) {
        List<Key> keys = new ArrayList<>(List.of(new Key(Kind.Identity, value)));
        if (value.contains("@")) {
            keys.add(new Key(Kind.Email, value));
        }
        if (value.startsWith("+")) {
            keys.add(new Key(Kind.Phone, value));
        }
        return keys;
    }

    // ---- the operations; each returns the record codes of the records it did not process, in order

    /** How a record names its user. */
    public sealed interface User permits ByIdentity, ByGuid {
    }

    public record ByIdentity(String value) implements User {
    }

    public record ByGuid(String guid) implements User {
    }

    /**
     * A profile record: claims (Identity/Email/Phone values), other properties to set, and mirrored properties to
     * delete. Returns 0 when processed, else the record's code.
     */
    public int uploadProfile(User user, Map<Kind, String> claims, Map<String, String> sets, Set<Kind> deletes) {
        Target target = resolve(user);
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
                bindReplacing(profile, key);
            } else if (!holder.equals(profile.id)) {
                if (policy == ConflictPolicy.TRANSFER) {
                    end(key, false);
                    bindReplacing(profile, key);
                } else {
                    merge(profiles.get(holder), profile, ordered);
                }
            }
            profile.properties.put(key.kind().name(), key.value());
        }
        Map<String, String> result = new LinkedHashMap<>(properties);
        for (Kind kind : Kind.values()) {
            result.remove(kind.name());
            Optional.ofNullable(profile.properties.get(kind.name())).ifPresent(v -> result.put(kind.name(), v));
        }
        profile.properties.clear();
        profile.properties.putAll(result);
        deletes.forEach(kind -> profile.properties.remove(kind.name()));
        return 0;
    }

    public int uploadEvent(User user) {
        resolve(user).materialize().events++;
        return 0;
    }

    /** Returns the code of each record, 0 when processed. */
    public List<Integer> disassociate(List<String> phones) {
        List<Integer> codes = new ArrayList<>();
        for (String phone : phones) {
            codes.add(end(new Key(Kind.Phone, phone), false) ? 0 : 543);
        }
        return codes;
    }

    /** Returns how many profiles the values named that existed. */
    public int delete(User user) {
        Optional<Profile> named = user instanceof ByGuid g ? live(g.guid())
                : lookupKeys(((ByIdentity) user).value()).stream().map(holders::get).filter(h -> h != null)
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
        gone.forEach(profiles::remove);
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
            firstIdentity.ifPresent(key -> model.holders.put(key, id));
            return created;
        }
    }

    private Target resolve(User user) {
        if (user instanceof ByGuid g) {
            return live(g.guid()).map(p -> new Target(p.id, true, Optional.empty(), this))
                    .orElseGet(() -> new Target(g.guid(), false, Optional.empty(), this));
        }
        List<Key> keys = lookupKeys(((ByIdentity) user).value());
        Optional<String> holder = keys.stream().map(holders::get).filter(h -> h != null).findFirst();
        return holder.map(h -> new Target(h, true, Optional.empty(), this))
                .orElseGet(() -> new Target("m" + (++created), false, Optional.of(keys.get(keys.size() - 1)), this));
    }

    private static void fill(Map<String, String> into, Map<String, String> from) {
        from.forEach((key, value) -> {
            if (!into.containsKey(key) && !isMirrored(key)) {
                into.put(key, value);
            }
        });
    }

    private static boolean isMirrored(String key) {
        return key.equals("Identity") || key.equals("Email") || key.equals("Phone");
    }

    private Optional<Key> heldOfKind(Profile profile, Kind kind) {
        return holders.entrySet().stream().filter(e -> e.getValue().equals(profile.id) && e.getKey().kind() == kind)
                .map(Map.Entry::getKey).findFirst();
    }

    private void bindReplacing(Profile profile, Key key) {
        Optional<Key> current = heldOfKind(profile, key.kind());
        if (current.isPresent() && current.get().equals(key)) {
            return;
        }
        current.ifPresent(old -> end(old, false));
        holders.put(key, profile.id);
    }

    /** Ends a key's binding; its holder loses the mirrored property unless the binding ends by a merge. */
    private boolean end(Key key, boolean merged) {
        String holder = holders.remove(key);
        if (holder != null && !merged) {
            profiles.get(holder).properties.remove(key.kind().name());
        }
        return holder != null;
    }

    private void merge(Profile loser, Profile survivor, Collection<Key> claims) {
        fill(survivor.properties, loser.properties);
        for (Kind kind : Kind.values()) {
            Optional<Key> held = heldOfKind(loser, kind);
            if (held.isEmpty()) {
                continue;
            }
            end(held.get(), true);
            if (claims.contains(held.get())) {
                bindReplacing(survivor, held.get());
            } else if (heldOfKind(survivor, kind).isEmpty()) {
                holders.put(held.get(), survivor.id);
            }
        }
        survivor.events += loser.events;
        loser.events = 0;
        loser.mergedInto = Optional.of(survivor.id);
        for (Profile p : profiles.values()) {
            if (p.mergedInto.equals(Optional.of(loser.id))) {
                p.mergedInto = Optional.of(survivor.id);
            }
        }
    }
}
