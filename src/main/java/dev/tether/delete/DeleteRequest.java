package dev.tether.delete;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.account.Account;
import dev.tether.batch.BulkValues;
import dev.tether.batch.InvalidRequestException;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import java.util.List;

/**
 * A parsed {@code POST /1/delete/profiles.json}: identity values to look up (each as its lookup keys), or GUIDs.
 * Reads {@code {"identity": "a" | [...]}} or {@code {"guid": "g" | [...]}}: exactly one, 1 to the limit of values.
 */
public record DeleteRequest(List<List<IdentityKey>> identities, List<String> guids) {

    public static DeleteRequest parse(Account account, JsonNode body, int maxValues) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("Request body must be a JSON object with \"identity\" or \"guid\"");
        }
        JsonNode identity = body.get("identity");
        JsonNode guid = body.get("guid");
        if ((identity == null) == (guid == null)) {
            throw new InvalidRequestException("Give exactly one of \"identity\" or \"guid\"");
        }
        List<String> values = BulkValues.of(identity != null ? "identity" : "guid",
                identity != null ? identity : guid, maxValues);
        if (identity == null) {
            for (String value : values) {
                if (!Guids.isWellFormed(value)) {
                    throw new InvalidRequestException("guid is not valid: " + Guids.FORM);
                }
            }
            return new DeleteRequest(List.of(), values);
        }
        return new DeleteRequest(values.stream().map(account::lookupKeys).toList(), List.of());
    }
}
