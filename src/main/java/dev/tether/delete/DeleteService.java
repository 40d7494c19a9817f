package dev.tether.delete;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.InvalidRequestException;
import dev.tether.identity.Guids;
import dev.tether.identity.Holders;
import dev.tether.identity.IdentityKey;
import dev.tether.profile.Merges;
import dev.tether.store.ActiveBinding;
import dev.tether.store.ReadTx;
import dev.tether.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /1/delete/profiles.json}: deletes profiles at once, with their events and every profile merged into
 * them. Their identities are released, and the history of each value keeps its dates but forgets the GUID.
 * The whole request is one transaction.
 */
public final class DeleteService {
    private final Store store;
    private final Clock clock;
    private final int maxValues;

    public DeleteService(Store store, Clock clock, int maxValues) {
        this.store = store;
        this.clock = clock;
        this.maxValues = maxValues;
    }

    /** What a request names: identity values to look up, or GUIDs. */
    public record Request(List<List<IdentityKey>> identities, List<String> guids) {
    }

    /** Reads {@code {"identity": "a" | [...]}} or {@code {"guid": "g" | [...]}}: exactly one, 1 to the limit of values. */
    public Request parse(Account account, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("Request body must be a JSON object with \"identity\" or \"guid\"");
        }
        JsonNode identity = body.get("identity");
        JsonNode guid = body.get("guid");
        if ((identity == null) == (guid == null)) {
            throw new InvalidRequestException("Give exactly one of \"identity\" or \"guid\"");
        }
        List<String> values = values(identity != null ? "identity" : "guid", identity != null ? identity : guid);
        if (identity == null) {
            for (String value : values) {
                if (!Guids.isWellFormed(value)) {
                    throw new InvalidRequestException("guid is not valid: 1 to 64 letters, digits, '_' or '-'");
                }
            }
            return new Request(List.of(), values);
        }
        return new Request(values.stream().map(account::lookupKeys).toList(), List.of());
    }

    private List<String> values(String name, JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        if (items.isEmpty()) {
            throw new InvalidRequestException("\"" + name + "\" is empty");
        }
        if (items.size() > maxValues) {
            throw new InvalidRequestException(items.size() + " values of \"" + name + "\" are over the limit of "
                    + maxValues);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : items) {
            if (!(item.isTextual() || item.isIntegralNumber()) || item.asText().isEmpty()) {
                throw new InvalidRequestException("Each value of \"" + name + "\" must be a non-empty string");
            }
            values.add(item.asText());
        }
        return values;
    }

    /** @return how many profiles the request named that existed (and are gone, unless dryRun) */
    public int delete(Account account, Request request, boolean dryRun) {
        if (dryRun) {
            return store.read(tx -> named(account, request, tx).size());
        }
        return store.write(tx -> {
            Set<String> named = named(account, request, tx);
            Set<String> all = new LinkedHashSet<>(named);
            for (List<String> level = List.copyOf(named); !level.isEmpty(); ) {
                level = tx.profilesMergedInto(account.id(), level).stream().filter(all::add).toList();
            }
            tx.deleteProfiles(account.id(), all, clock.instant().getEpochSecond());
            return named.size();
        });
    }

    /** The live profiles the values name: identities through their active bindings, GUIDs through merges. */
    private static Set<String> named(Account account, Request request, ReadTx tx) {
        Map<IdentityKey, ActiveBinding> bound = tx.activeBindings(account.id(),
                request.identities().stream().flatMap(List::stream).toList());
        List<String> guids = new ArrayList<>(request.guids());
        for (List<IdentityKey> keys : request.identities()) {
            Holders.first(keys, key -> Optional.ofNullable(bound.get(key)).map(ActiveBinding::guid))
                    .ifPresent(guids::add);
        }
        Set<String> live = new LinkedHashSet<>();
        for (String guid : guids) {
            Merges.live(tx, account.id(), guid).ifPresent(profile -> live.add(profile.guid()));
        }
        return live;
    }
}
