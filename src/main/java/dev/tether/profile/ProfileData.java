package dev.tether.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.RecordRejected;
import dev.tether.config.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses an uploaded profileData object into validated changes, or rejects the record with its code. */
public final class ProfileData {
    private static final Pattern DATE = Pattern.compile("\\$D_[0-9]{1,12}");

    private ProfileData() {
    }

    public static List<PropertyChange> parse(JsonNode profileData, Limits limits) {
        if (profileData == null || !profileData.isObject()) {
            throw new RecordRejected(546, "profileData is required and must be an object");
        }
        List<PropertyChange> changes = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = profileData.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            changes.add(change(field.getKey(), field.getValue(), limits));
        }
        return changes;
    }

    private static PropertyChange change(String key, JsonNode value, Limits limits) {
        checkKey(key, limits);
        if (value.isObject()) {
            return operation(key, value, limits);
        }
        return set(key, value, limits);
    }

    private static PropertyChange set(String key, JsonNode value, Limits limits) {
        checkValue(key, value, limits);
        JsonNode stored = StandardKeys.isStandard(key) ? StandardKeys.validated(key, value) : value;
        return new PropertyChange(key, PropertyChange.Operation.SET, stored);
    }

    private static PropertyChange operation(String key, JsonNode value, Limits limits) {
        if (value.size() != 1) {
            throw malformed(key, "an operation object holds exactly one of $incr $decr $add $remove $set $delete");
        }
        String name = value.fieldNames().next();
        JsonNode operand = value.get(name);
        boolean counter = !StandardKeys.isStandard(key) || key.equals("Age");
        switch (name) {
            case "$set":
                return set(key, operand, limits);
            case "$delete":
                return new PropertyChange(key, PropertyChange.Operation.DELETE, operand);
            case "$incr":
            case "$decr":
                if (!operand.isNumber() || !counter) {
                    throw malformed(key, name + " takes a number, on a custom numeric property");
                }
                return new PropertyChange(key, name.equals("$incr")
                        ? PropertyChange.Operation.INCR : PropertyChange.Operation.DECR, operand);
            case "$add":
            case "$remove":
                if (!operand.isArray() || StandardKeys.isStandard(key)) {
                    throw malformed(key, name + " takes an array, on a custom property");
                }
                operand.forEach(element -> checkValue(key, element, limits));
                return new PropertyChange(key, name.equals("$add")
                        ? PropertyChange.Operation.ADD : PropertyChange.Operation.REMOVE, operand);
            default:
                throw malformed(key, "unknown operation " + name);
        }
    }

    private static void checkKey(String key, Limits limits) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > limits.maxKeyBytes()) {
            throw new RecordRejected(547, "Property key must be 1 to " + limits.maxKeyBytes() + " bytes");
        }
    }

    private static void checkValue(String key, JsonNode value, Limits limits) {
        if (value.isArray()) {
            value.forEach(element -> checkValue(key, element, limits));
            return;
        }
        if (value.isObject() || value.isNull()) {
            throw malformed(key, "a value is a string, number, boolean, date or array");
        }
        if (value.isTextual() && value.asText().getBytes(StandardCharsets.UTF_8).length > limits.maxValueBytes()) {
            throw new RecordRejected(547, "Value of " + key + " is over " + limits.maxValueBytes() + " bytes");
        }
        if (value.isTextual() && value.asText().startsWith("$D_") && !DATE.matcher(value.asText()).matches()) {
            throw malformed(key, "a date is written $D_<epoch seconds>");
        }
    }

    private static RecordRejected malformed(String key, String detail) {
        return new RecordRejected(548, "Malformed value for " + key + ": " + detail);
    }

    /** How many custom (non-standard) keys the properties hold: at most the limit after an upload. */
    public static int customKeyCount(JsonNode properties) {
        int count = 0;
        Iterator<String> names = properties.fieldNames();
        while (names.hasNext()) {
            if (!StandardKeys.isStandard(names.next())) {
                count++;
            }
        }
        return count;
    }
}
