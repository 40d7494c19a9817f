package dev.tether.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.identity.CleanText;
import java.util.Iterator;
import java.util.Map;

/**
 * The one rule for what any value a client sends may hold. Text: no control characters but tab, line feed and
 * carriage return, and no unpaired surrogates; PostgreSQL cannot store U+0000 in text or jsonb at all, a lone
 * surrogate would be written as '?', and neither has a use in a profile. Numbers: within 64 bits (a long, or a
 * finite double), so that both backends and every client read back the number that was sent.
 */
public final class CleanInput {
    public static final int CODE = 551;

    private CleanInput() {
    }

    /** Rejects a record with code 551 when any key or value in it, at any depth, is not clean. */
    public static void requireClean(JsonNode record) {
        if (!isCleanTree(record)) {
            throw new RecordRejected(CODE, "A key or value holds a control character, invalid Unicode or a number"
                    + " beyond 64 bits");
        }
    }

    private static boolean isCleanTree(JsonNode node) {
        if (node == null) {
            return true;
        }
        if (node.isTextual()) {
            return CleanText.isClean(node.textValue());
        }
        if (node.isBigInteger()) {
            return node.canConvertToLong();
        }
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue());
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!CleanText.isClean(field.getKey()) || !isCleanTree(field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!isCleanTree(item)) {
                    return false;
                }
            }
        }
        return true;
    }
}
