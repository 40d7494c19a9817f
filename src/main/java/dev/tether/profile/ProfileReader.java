package dev.tether.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.account.Lookup;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.store.ActiveBinding;
import dev.tether.store.EventStats;
import dev.tether.store.ProfileView;
import dev.tether.store.ReadTx;
import dev.tether.store.StoredProfile;
import dev.tether.work.UnitOfWork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@code GET /1/profile.json}: finds one profile by identity, email, phone or GUID and renders its record. */
public final class ProfileReader {
    public ProfileReader() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("Name", "Email", "Phone", "Identity");

    /**
     * The record of the profile the lookup names, read in the request's unit of work: one statement
     * ({@link dev.tether.store.ProfileReads#view}), none for a value that names no key.
     */
    public Optional<ObjectNode> find(UnitOfWork unit, Lookup lookup, String value) {
        Account account = unit.account();
        ReadTx tx = unit.reads();
        Optional<ProfileView> view = lookup == Lookup.OBJECT_ID
                ? lookup.guid(value).flatMap(guid -> tx.profiles().view(account.id(), guid))
                : tx.profiles().view(account.id(), lookup.keys(account, value));
        return view.map(found -> rendered(account, List.of(found), tx).get(0));
    }

    /**
     * The records of these profiles, as {@code GET /1/profile.json} shows them, in their order: four statements for
     * any number of profiles (their identities, their events, the subscriptions of their addresses).
     */
    public static List<ObjectNode> records(Account account, List<StoredProfile> profiles, ReadTx tx) {
        List<String> guids = profiles.stream().map(StoredProfile::guid).toList();
        Map<String, List<ActiveBinding>> identities = new HashMap<>();
        tx.bindings().activeOf(account.id(), guids)
                .forEach(b -> identities.computeIfAbsent(b.guid(), g -> new ArrayList<>()).add(b));
        Map<String, Map<String, EventStats>> events = tx.events().stats(account.id(), guids);
        List<ProfileView> views = profiles.stream().map(profile -> new ProfileView(profile,
                identities.getOrDefault(profile.guid(), List.of()),
                new TreeMap<>(events.getOrDefault(profile.guid(), Map.of())),
                Set.<IdentityKey>of(), Map.<IdentityKey, SubscriptionStatus>of())).toList();
        return rendered(account, views, tx);
    }

    /** The records of these views; the subscriptions a view was not read with are read here, set-based. */
    private static List<ObjectNode> rendered(Account account, List<ProfileView> views, ReadTx tx) {
        List<ObjectNode> records = new ArrayList<>();
        for (ProfileView view : views) {
            records.add(record(view.profile(), view.identities(), view.events()));
        }
        addSubscriptions(account, records, views, tx);
        return records;
    }

    private static ObjectNode record(StoredProfile profile, List<ActiveBinding> identities,
                                     Map<String, EventStats> eventStats) {
        ObjectNode properties = parse(profile.propertiesJson());
        ObjectNode record = JSON.createObjectNode();
        record.put("objectId", profile.guid());
        topLevel(record, "identity", identities, IdentityKind.IDENTITY, properties.get("Identity"));
        topLevel(record, "email", identities, IdentityKind.EMAIL, properties.get("Email"));
        topLevel(record, "phone", identities, IdentityKind.PHONE, properties.get("Phone"));
        if (properties.hasNonNull("Name")) {
            record.set("name", properties.get("Name"));
        }
        ObjectNode profileData = record.putObject("profileData");
        properties.fields().forEachRemaining(f -> {
            if (!TOP_LEVEL.contains(f.getKey())) {
                profileData.set(f.getKey(), f.getValue());
            }
        });
        ObjectNode events = record.putObject("events");
        for (Map.Entry<String, EventStats> e : eventStats.entrySet()) {
            ObjectNode stats = events.putObject(e.getKey());
            stats.put("count", e.getValue().count());
            stats.put("first_seen", e.getValue().firstSeen());
            stats.put("last_seen", e.getValue().lastSeen());
        }
        record.putArray("platformInfo");
        ArrayNode active = record.putArray("identities");
        for (ActiveBinding binding : identities) {
            active.addObject().put("kind", binding.key().kind().storedName())
                    .put("value", binding.key().value()).put("since", binding.since());
        }
        return record;
    }

    /**
     * The address-level status of each record's phone and email, as {@code "subscriptions":{"phone":"Unsubscribe"}}
     * (an empty object when neither has one): it belongs to the address the profile shows, whoever holds it. The
     * statuses a view was not read with are read in one statement per kind for all the records.
     */
    private static void addSubscriptions(Account account, List<ObjectNode> records, List<ProfileView> views,
                                         ReadTx tx) {
        List<Map<String, IdentityKey>> addresses = new ArrayList<>();
        List<IdentityKey> unread = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Map<String, IdentityKey> of = new LinkedHashMap<>();
            address(records.get(i), "phone", IdentityKind.PHONE).ifPresent(key -> of.put("phone", key));
            address(records.get(i), "email", IdentityKind.EMAIL).ifPresent(key -> of.put("email", key));
            addresses.add(of);
            ProfileView view = views.get(i);
            of.values().stream().filter(key -> view.subscription(key).isEmpty()).forEach(unread::add);
        }
        Map<IdentityKey, SubscriptionStatus> statuses = unread.isEmpty() ? Map.of()
                : tx.subscriptions().status(account.id(), unread);
        for (int i = 0; i < records.size(); i++) {
            ObjectNode subscriptions = records.get(i).putObject("subscriptions");
            ProfileView view = views.get(i);
            addresses.get(i).forEach((field, key) -> view.subscription(key)
                    .orElseGet(() -> Optional.ofNullable(statuses.get(key)))
                    .ifPresent(status -> subscriptions.put(field, status.wireName())));
        }
    }

    private static Optional<IdentityKey> address(ObjectNode record, String field, IdentityKind kind) {
        JsonNode value = record.get(field);
        return value != null && value.isTextual() ? Identities.normalize(kind, value.asText()) : Optional.empty();
    }

    /** The active binding of a kind, else the property of the same name, as a top-level field when present. */
    private static void topLevel(ObjectNode record, String field, List<ActiveBinding> identities, IdentityKind kind,
                                 JsonNode property) {
        Optional<String> bound = identities.stream().filter(b -> b.key().kind() == kind)
                .map(b -> b.key().value()).findFirst();
        if (bound.isPresent()) {
            record.put(field, bound.get());
        } else if (property != null && !property.isNull()) {
            record.set(field, property);
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored properties are not JSON", e);
        }
    }
}
