package dev.tether.disassociate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.BatchResult;
import dev.tether.batch.Checked;
import dev.tether.batch.RecordRejected;
import dev.tether.identity.BindingReason;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.store.ActiveBinding;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code POST /1/disassociate}: cuts a phone number from the profile that holds it, so that the number's next
 * owner gets a profile of their own. The old profile keeps its GUID, data and other identities and loses its
 * Phone property. A batch is three statements: one lookup, one update of bindings and one update of profiles.
 */
public final class DisassociateService {
    private static final String PHONE_PROPERTY = IdentityKind.PHONE.propertyKey();

    private final Store store;
    private final Clock clock;

    public DisassociateService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private record Plan(BatchResult result, List<ActiveBinding> bindings) {
    }

    public BatchResult disassociate(Account account, List<JsonNode> records, boolean dryRun) {
        List<Checked<IdentityKey>> checked = records.stream()
                .map(record -> Checked.of(() -> phoneOf(account, record))).toList();
        if (dryRun) {
            return store.read(tx -> plan(account, records, checked, tx).result);
        }
        return store.write(tx -> {
            Plan plan = plan(account, records, checked, tx);
            long now = clock.instant().getEpochSecond();
            tx.endActiveBindings(account.id(), plan.bindings.stream().map(ActiveBinding::key).toList(), now,
                    BindingReason.DISASSOCIATED);
            tx.removeProperty(account.id(), plan.bindings.stream().map(ActiveBinding::guid)
                    .collect(Collectors.toCollection(LinkedHashSet::new)), PHONE_PROPERTY, now);
            return plan.result;
        });
    }

    /** Validates one record in the order of API.md's table: 541, then 516, then 542. */
    private static IdentityKey phoneOf(Account account, JsonNode record) {
        if (record == null || !record.isObject() || !record.path("type").isTextual()
                || !record.path("type").asText().equalsIgnoreCase("phone")) {
            throw new RecordRejected(541, "Record type is not valid. Expected type 'phone'");
        }
        JsonNode value = record.get("value");
        String raw = value != null && value.isTextual() ? value.asText() : null;
        IdentityKey key = Identities.normalize(IdentityKind.PHONE, raw)
                .orElseThrow(() -> new RecordRejected(516, "Phone number is not valid"));
        if (!account.isIdentity(IdentityKind.PHONE)) {
            throw new RecordRejected(542, "Phone is not an identity for this account");
        }
        return key;
    }

    private static Plan plan(Account account, List<JsonNode> records, List<Checked<IdentityKey>> checked,
                             ReadTx tx) {
        Map<IdentityKey, ActiveBinding> bound = tx.activeBindings(account.id(),
                checked.stream().flatMap(c -> c.value().stream()).toList());
        Set<IdentityKey> cut = new HashSet<>();
        List<ActiveBinding> bindings = new ArrayList<>();
        BatchResult result = BatchResult.of(records, i -> {
            IdentityKey key = checked.get(i).orThrow();
            ActiveBinding binding = bound.get(key);
            if (binding == null || !cut.add(key)) {
                throw new RecordRejected(543, "Phone number is not associated with any profile");
            }
            bindings.add(binding);
        });
        return new Plan(result, bindings);
    }
}
