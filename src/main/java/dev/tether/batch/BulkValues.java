package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The values of a bulk request (delete, demerge): one value or an array of them, 1 to the limit. */
public final class BulkValues {
    private BulkValues() {
    }

    /**
     * The values of field {@code name}: each a non-empty string or a number ({@link SentValues#identity}); an empty
     * list, more than {@code maxValues} or any other value is a 400 that names the field.
     */
    public static List<String> of(String name, JsonNode node, int maxValues) {
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
            Optional<String> value = SentValues.identity(item);
            if (value.isEmpty()) {
                throw new InvalidRequestException("Each value of \"" + name + "\" must be a non-empty string or"
                        + " a number");
            }
            values.add(value.get());
        }
        return values;
    }
}
