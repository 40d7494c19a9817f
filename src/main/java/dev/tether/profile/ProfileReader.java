package dev.tether.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.account.Account;
import dev.tether.core.Merges;
import dev.tether.identity.Guids;
import dev.tether.identity.Holders;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.ActiveBinding;
import dev.tether.store.EventStats;
import dev.tether.store.ReadTx;
import dev.tether.store.StoredProfile;
import dev.tether.work.UnitOfWork;
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

    /** Which query parameter the profile was asked for by. */
    public enum Lookup {
        IDENTITY("identity"), EMAIL("email"), PHONE("phone"), OBJECT_ID("objectId");

        private final String parameter;

        Lookup(String parameter) {
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    /** The record of the profile the lookup names, read in the request's unit of work. */
    public Optional<ObjectNode> find(UnitOfWork unit, Lookup lookup, String value) {
        Account account = unit.account();
        ReadTx tx = unit.reads();
        return guidOf(account, lookup, value, tx)
                .flatMap(guid -> Merges.live(tx, account.id(), guid))
                .map(profile -> record(account, profile, tx));
    }

    private static Optional<String> guidOf(Account account, Lookup lookup, String value, ReadTx tx) {
        List<IdentityKey> keys;
        switch (lookup) {
            case OBJECT_ID:
                return Guids.isWellFormed(value) ? Optional.of(value) : Optional.empty();
            case EMAIL:
                keys = Identities.normalize(IdentityKind.EMAIL, value).stream().toList();
                break;
            case PHONE:
                keys = Identities.normalize(IdentityKind.PHONE, value).stream().toList();
                break;
            default:
                keys = account.lookupKeys(value);
        }
        Map<IdentityKey, ActiveBinding> bound = tx.bindings().active(account.id(), keys);
        return Holders.first(keys, key -> Optional.ofNullable(bound.get(key)).map(ActiveBinding::guid));
    }

    private static ObjectNode record(Account account, StoredProfile profile, ReadTx tx) {
        ObjectNode properties = parse(profile.propertiesJson());
        List<ActiveBinding> identities = tx.bindings().activeOf(account.id(), List.of(profile.guid()));
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
        for (Map.Entry<String, EventStats> e : tx.events().stats(account.id(), profile.guid()).entrySet()) {
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
