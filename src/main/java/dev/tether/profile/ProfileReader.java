package dev.tether.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.account.Lookup;
import dev.tether.core.Merges;
import dev.tether.identity.Holders;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import dev.tether.store.ActiveBinding;
import dev.tether.store.EventStats;
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

/** {@code GET /1/profile.json}: finds one profile by identity, email, phone or GUID and renders its record. */
public final class ProfileReader {
    public ProfileReader() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("Name", "Email", "Phone", "Identity");

    /** The record of the profile the lookup names, read in the request's unit of work. */
    public Optional<ObjectNode> find(UnitOfWork unit, Lookup lookup, String value) {
        Account account = unit.account();
        ReadTx tx = unit.reads();
        return guidOf(account, lookup, value, tx)
                .flatMap(guid -> Merges.live(tx, account.id(), guid))
                .map(profile -> records(account, List.of(profile), tx).get(0));
    }

    private static Optional<String> guidOf(Account account, Lookup lookup, String value, ReadTx tx) {
        if (lookup == Lookup.OBJECT_ID) {
            return lookup.guid(value);
        }
        List<IdentityKey> keys = lookup.keys(account, value);
        Map<IdentityKey, ActiveBinding> bound = tx.bindings().active(account.id(), keys);
        return Holders.first(keys, key -> Optional.ofNullable(bound.get(key)).map(ActiveBinding::guid));
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
        List<ObjectNode> records = new ArrayList<>();
        for (StoredProfile profile : profiles) {
            records.add(record(profile, identities.getOrDefault(profile.guid(), List.of()),
                    events.getOrDefault(profile.guid(), Map.of())));
        }
        addSubscriptions(account, records, tx);
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
     * (an empty object when neither has one): it belongs to the address the profile shows, whoever holds it.
     */
    private static void addSubscriptions(Account account, List<ObjectNode> records, ReadTx tx) {
        List<Map<String, IdentityKey>> addresses = new ArrayList<>();
        for (ObjectNode record : records) {
            Map<String, IdentityKey> of = new LinkedHashMap<>();
            address(record, "phone", IdentityKind.PHONE).ifPresent(key -> of.put("phone", key));
            address(record, "email", IdentityKind.EMAIL).ifPresent(key -> of.put("email", key));
            addresses.add(of);
        }
        Map<IdentityKey, SubscriptionStatus> statuses = tx.subscriptions().status(account.id(),
                addresses.stream().flatMap(m -> m.values().stream()).toList());
        for (int i = 0; i < records.size(); i++) {
            ObjectNode subscriptions = records.get(i).putObject("subscriptions");
            addresses.get(i).forEach((field, key) -> Optional.ofNullable(statuses.get(key))
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
