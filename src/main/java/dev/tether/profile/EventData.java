package dev.tether.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.batch.RecordRejected;
import dev.tether.config.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Validation of an uploaded event's name and data (codes 509, 513, 522). */
public final class EventData {
    /** Names CleverTap's SDKs raise themselves; an upload may not forge them. */
    private static final Set<String> SYSTEM_EVENTS = Set.of("App Launched", "App Installed", "App Uninstalled",
            "App Version Changed", "Notification Sent", "Notification Viewed", "Notification Clicked",
            "Notification Delivered", "Push Impressions", "Stayed", "UTM Visited", "Geocluster Entered",
            "Geocluster Exited", "Reply Received", "Channel Unsubscribed", "State Transitioned");
    private static final int MAX_NAME_LENGTH = 512;

    private EventData() {
    }

    public static String name(JsonNode evtName) {
        if (evtName == null || !evtName.isTextual() || evtName.asText().isBlank()
                || evtName.asText().length() > MAX_NAME_LENGTH) {
            throw new RecordRejected(509, "evtName is required: a non-empty string");
        }
        String name = evtName.asText();
        if (SYSTEM_EVENTS.contains(name)) {
            throw new RecordRejected(513, "Event name " + name + " is restricted to the system");
        }
        return name;
    }

    public static ObjectNode data(JsonNode evtData, Limits limits) {
        if (evtData == null || evtData.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!evtData.isObject() || evtData.size() > limits.maxEventDataKeys()) {
            throw new RecordRejected(522, "evtData must be an object of at most " + limits.maxEventDataKeys() + " keys");
        }
        checkSizes(evtData, limits);
        return (ObjectNode) evtData;
    }

    /** Every key and text value in the event's data, at any depth, within the limits of profile properties. */
    private static void checkSizes(JsonNode node, Limits limits) {
        if (node.isTextual() && node.textValue().getBytes(StandardCharsets.UTF_8).length > limits.maxValueBytes()) {
            throw new RecordRejected(547, "An evtData value is over " + limits.maxValueBytes() + " bytes");
        }
        node.fields().forEachRemaining(field -> {
            if (field.getKey().getBytes(StandardCharsets.UTF_8).length > limits.maxKeyBytes()) {
                throw new RecordRejected(547, "An evtData key is over " + limits.maxKeyBytes() + " bytes");
            }
            checkSizes(field.getValue(), limits);
        });
        if (node.isArray()) {
            node.forEach(item -> checkSizes(item, limits));
        }
    }
}
