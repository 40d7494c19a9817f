package dev.tether.recycling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.batch.Days;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@code POST /number-recycling/v0.2/check}: {@code {"phoneNumber":"+14155550142","specifiedDate":
 * "2026-11-01"}}, each field as CAMARA's schema has it (docs/API.md section 12a).
 */
public record RecyclingRequest(IdentityKey phone, LocalDate specifiedDate) {
    /** CAMARA's {@code PhoneNumber}: E.164 with its plus, nothing else. */
    static final Pattern PHONE_NUMBER = Pattern.compile("^\\+[1-9][0-9]{4,14}$");
    private static final Set<String> FIELDS = Set.of("phoneNumber", "specifiedDate");

    /**
     * The request, or the CAMARA error for it: 400 {@code INVALID_ARGUMENT} for a body that is not an object, a
     * property CAMARA does not name, a {@code phoneNumber} that is not E.164 or not a valid number, and a
     * {@code specifiedDate} missing or not a real day; then 422 {@code MISSING_IDENTIFIER} when no
     * {@code phoneNumber} names the number (a gateway with three-legged tokens puts it in).
     */
    public static RecyclingRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw CamaraError.invalidArgument("The request body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw CamaraError.invalidArgument("Unknown property: " + name);
            }
        }
        JsonNode phone = body.get("phoneNumber");
        IdentityKey key = null;
        if (phone != null) {
            if (!phone.isTextual() || !PHONE_NUMBER.matcher(phone.asText()).matches()) {
                throw CamaraError.invalidArgument("phoneNumber must match " + PHONE_NUMBER.pattern());
            }
            key = Identities.normalize(IdentityKind.PHONE, phone.asText())
                    .orElseThrow(() -> CamaraError.invalidArgument("phoneNumber is not a valid phone number"));
        }
        JsonNode day = body.get("specifiedDate");
        LocalDate specified = Days.parse(day != null && day.isTextual() ? day.asText() : "")
                .orElseThrow(() -> CamaraError.invalidArgument("specifiedDate must be a real day as YYYY-MM-DD"));
        if (key == null) {
            throw new CamaraError(422, "MISSING_IDENTIFIER", "The phone number cannot be identified");
        }
        return new RecyclingRequest(key, specified);
    }
}
