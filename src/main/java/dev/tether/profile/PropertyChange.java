package dev.tether.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.RecordRejected;

/** One key of an uploaded profileData: a value to set, or one of the operations $incr $decr $add $remove $delete. */
public record PropertyChange(String key, Operation operation, JsonNode operand) {

    public enum Operation { SET, INCR, DECR, ADD, REMOVE, DELETE }

    /** Applies this change to a profile's properties. */
    public void applyTo(ObjectNode properties) {
        JsonNode current = properties.get(key);
        switch (operation) {
            case SET:
                properties.set(key, operand);
                break;
            case DELETE:
                properties.remove(key);
                break;
            case INCR:
            case DECR:
                properties.set(key, counted(current));
                break;
            case ADD:
                properties.set(key, added(current));
                break;
            case REMOVE:
                if (current != null) {
                    properties.set(key, removed(current));
                }
                break;
            default:
                throw new IllegalStateException("unhandled operation " + operation);
        }
    }

    private JsonNode counted(JsonNode current) {
        if (current != null && !current.isNumber()) {
            throw new RecordRejected(548, "Cannot $" + operation.name().toLowerCase(java.util.Locale.ROOT) + " property " + key
                    + ": its value is not a number");
        }
        double base = current == null ? 0 : current.asDouble();
        double delta = operation == Operation.INCR ? operand.asDouble() : -operand.asDouble();
        double sum = base + delta;
        boolean integral = (current == null || current.isIntegralNumber()) && operand.isIntegralNumber();
        return integral ? JsonNodeFactory.instance.numberNode((long) sum) : JsonNodeFactory.instance.numberNode(sum);
    }

    private ArrayNode added(JsonNode current) {
        ArrayNode values = asArray(current);
        for (JsonNode value : operand) {
            if (!contains(values, value)) {
                values.add(value);
            }
        }
        return values;
    }

    private ArrayNode removed(JsonNode current) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode value : asArray(current)) {
            if (!contains((ArrayNode) operand, value)) {
                kept.add(value);
            }
        }
        return kept;
    }

    private static ArrayNode asArray(JsonNode current) {
        ArrayNode values = JsonNodeFactory.instance.arrayNode();
        if (current == null || current.isNull()) {
            return values;
        }
        if (current.isArray()) {
            values.addAll((ArrayNode) current);
        } else {
            values.add(current);
        }
        return values;
    }

    private static boolean contains(ArrayNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
