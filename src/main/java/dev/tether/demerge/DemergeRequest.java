package dev.tether.demerge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.BulkValues;
import dev.tether.batch.InvalidRequestException;
import dev.tether.identity.IdentityKey;
import java.util.List;

/**
 * A parsed {@code POST /1/demerge/profiles.json}: {@code {"identities": "a" | [...]}}, 1 to the limit of values, each
 * as its lookup keys (resolved as an upload's {@code identity} is).
 */
public record DemergeRequest(List<List<IdentityKey>> identities) {

    public static DemergeRequest parse(Account account, JsonNode body, int maxValues) {
        if (body == null || !body.isObject() || body.get("identities") == null) {
            throw new InvalidRequestException("Request body must be a JSON object with \"identities\"");
        }
        return new DemergeRequest(BulkValues.of("identities", body.get("identities"), maxValues).stream()
                .map(account::lookupKeys).toList());
    }
}
