package dev.tether.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import dev.tether.store.ActiveBinding;
import dev.tether.store.NewEvent;
import dev.tether.store.ReadTx;
import dev.tether.store.StoredProfile;
import dev.tether.store.WriteTx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The profiles and bindings one batch touches, read in a few set-based queries, changed in memory record by
 * record, and written back in one flush. It holds mechanics only; the rules that decide what to change are in
 * {@link UploadService}.
 */
final class BatchState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountId;
    private final ReadTx tx;
    private final Clock clock;
    private long now;
    private final Map<IdentityKey, Optional<BindingState>> active = new HashMap<>();
    private final Map<String, Optional<ProfileState>> profiles = new LinkedHashMap<>();
    private final List<BindingState> bindings = new ArrayList<>();
    private final List<NewEvent> events = new ArrayList<>();
    private final Map<String, String> merges = new LinkedHashMap<>();

    BatchState(String accountId, ReadTx tx, Clock clock) {
        this.accountId = accountId;
        this.tx = tx;
        this.clock = clock;
        this.now = clock.instant().getEpochSecond();
    }


    /**
     * Loads the bindings of these keys and the profiles of these GUIDs and of the keys' holders, then reads the
     * batch's time. Read after the loads, which wait for the locks of concurrent writers, the time is never
     * earlier than that of a change the batch builds on, so one value's history stays in order.
     */
    void preload(Collection<IdentityKey> keys, Collection<String> guids) {
        loadBindings(keys);
        Set<String> wanted = new HashSet<>(guids);
        keys.forEach(key -> active.get(key).ifPresent(b -> wanted.add(b.guid)));
        loadProfiles(wanted);
        now = clock.instant().getEpochSecond();
    }

    private void loadBindings(Collection<IdentityKey> keys) {
        List<IdentityKey> unknown = keys.stream().filter(k -> !active.containsKey(k)).distinct().toList();
        if (unknown.isEmpty()) {
            return;
        }
        Map<IdentityKey, ActiveBinding> found = tx.activeBindings(accountId, unknown);
        unknown.forEach(key -> active.put(key, Optional.ofNullable(found.get(key)).map(this::tracked)));
    }

    private void loadProfiles(Collection<String> guids) {
        List<String> unknown = guids.stream().filter(g -> !profiles.containsKey(g)).distinct().toList();
        if (unknown.isEmpty()) {
            return;
        }
        Map<String, StoredProfile> found = tx.findProfiles(accountId, unknown);
        unknown.forEach(guid -> profiles.put(guid, Optional.ofNullable(found.get(guid)).map(this::loaded)));
        for (ActiveBinding binding : tx.activeBindingsOf(accountId, found.keySet())) {
            current(binding).ifPresent(state ->
                    profiles.get(binding.guid()).ifPresent(p -> p.identities.put(binding.key().kind(), state)));
        }
    }

    /**
     * The batch's view of a stored binding: the one it already tracks, or a new tracked one. Empty when the
     * batch has ended it or bound its key elsewhere since: what the batch did wins over what is stored.
     */
    private Optional<BindingState> current(ActiveBinding binding) {
        if (!active.containsKey(binding.key())) {
            active.put(binding.key(), Optional.of(tracked(binding)));
        }
        return active.get(binding.key()).filter(state -> state.id.equals(binding.bindingId()));
    }

    private BindingState tracked(ActiveBinding b) {
        return new BindingState(b.bindingId(), b.key(), b.guid(), b.since(), BindingReason.UPLOADED, true);
    }

    private ProfileState loaded(StoredProfile p) {
        try {
            ObjectNode properties = (ObjectNode) JSON.readTree(p.propertiesJson());
            return new ProfileState(p.guid(), properties, p.createdAt(), false, p.mergedInto());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored properties of " + p.guid() + " are not JSON", e);
        }
    }

    /** The GUID of the profile that holds this identity now, within this batch. */
    Optional<String> holder(IdentityKey key) {
        loadBindings(List.of(key));
        return active.get(key).map(b -> b.guid);
    }

    Optional<ProfileState> profile(String guid) {
        loadProfiles(List.of(guid));
        return profiles.get(guid);
    }

    ProfileState createProfile(String guid) {
        ProfileState created = new ProfileState(guid, JSON.createObjectNode(), now, true, Optional.empty());
        profiles.put(guid, Optional.of(created));
        return created;
    }

    void bind(ProfileState profile, IdentityKey key, BindingReason reason) {
        BindingState binding = new BindingState(Guids.newGuid(), key, profile.guid, now, reason, false);
        bindings.add(binding);
        active.put(key, Optional.of(binding));
        profile.identities.put(key.kind(), binding);
        profile.touch();
    }

    /** Ends the active binding of this key, if any. */
    void unbind(IdentityKey key, BindingReason reason) {
        loadBindings(List.of(key));
        active.get(key).ifPresent(binding -> {
            binding.end(now, reason);
            if (binding.stored) {
                bindings.add(binding);
            }
            active.put(key, Optional.empty());
            profiles.getOrDefault(binding.guid, Optional.empty()).ifPresent(p -> p.identities.remove(key.kind()));
        });
    }

    void addEvent(ProfileState profile, String name, long ts, ObjectNode data) {
        profile.touch();
        events.add(new NewEvent(Guids.newGuid(), profile.guid, name, ts, data.toString()));
    }

    /** Records that a profile was merged into another: its events move when the batch is written. */
    void merged(String fromGuid, String intoGuid) {
        merges.put(fromGuid, intoGuid);
    }

    /** Writes every change of the batch: a handful of batched statements. */
    void flush(WriteTx write) {
        List<StoredProfile> created = new ArrayList<>();
        List<StoredProfile> updated = new ArrayList<>();
        for (Optional<ProfileState> entry : profiles.values()) {
            entry.ifPresent(p -> {
                if (p.isNew) {
                    created.add(new StoredProfile(p.guid, p.properties().toString(), now, now, Optional.empty()));
                } else if (p.changed()) {
                    updated.add(new StoredProfile(p.guid, p.properties().toString(), p.createdAt, now, p.mergedInto));
                }
            });
        }
        write.insertProfiles(accountId, created);
        write.updateProfiles(accountId, updated);
        write.endBindings(accountId, bindings.stream().flatMap(b -> b.asEnded().stream()).toList());
        write.insertBindings(accountId, bindings.stream().flatMap(b -> b.asNew().stream()).toList());
        write.insertEvents(accountId, events);
        merges.forEach((from, into) -> {
            write.moveEvents(accountId, from, into);
            write.markMerged(accountId, from, into, now);
        });
    }
}
