package dev.tether.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.batch.InvalidRequestException;
import dev.tether.store.EventRange;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * The query of an export or a count: {@code {"event_name":"..","from":YYYYMMDD,"to":YYYYMMDD}}, days in UTC, both
 * included. The dates may be numbers or strings of eight digits. Anything else is a 400 that says what is wrong.
 */
public final class ExportQuery {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);

    private ExportQuery() {
    }

    public static EventRange parse(JsonNode query) {
        if (query == null || !query.isObject()) {
            throw new InvalidRequestException("The query must be a JSON object with event_name, from and to");
        }
        JsonNode name = query.get("event_name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw new InvalidRequestException("event_name is required: the name of the event to export or count");
        }
        LocalDate from = day(query, "from");
        LocalDate to = day(query, "to");
        if (from.isAfter(to)) {
            throw new InvalidRequestException("from is after to");
        }
        return new EventRange(name.asText(), from.atStartOfDay(ZoneOffset.UTC).toEpochSecond(),
                to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
    }

    private static LocalDate day(JsonNode query, String field) {
        JsonNode value = query.get(field);
        String text = value == null ? "" : value.isIntegralNumber() || value.isTextual() ? value.asText() : "";
        if (!text.matches("[0-9]{8}")) {
            throw new InvalidRequestException(field + " is required, as a date YYYYMMDD (UTC), e.g. 20261130");
        }
        try {
            return LocalDate.parse(text, DAY);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(field + " is not a date: " + text);
        }
    }
}
