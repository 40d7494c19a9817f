package dev.tether.history;

import dev.tether.account.Account;
import dev.tether.batch.InvalidRequestException;
import dev.tether.identity.Guids;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code GET /1/identity/history.json}: exactly one of {@code phone=}, {@code email=}, {@code identity=}
 * (the values whose holders are wanted) or {@code objectId=} (the profile whose identities are wanted).
 */
public record HistoryQuery(List<IdentityKey> values, Optional<String> profile) {
    private static final List<String> PARAMETERS = List.of("phone", "email", "identity", "objectId");

    public static HistoryQuery parse(Account account, Map<String, String> parameters) {
        List<String> given = PARAMETERS.stream().filter(p -> !parameters.getOrDefault(p, "").isEmpty()).toList();
        if (given.size() != 1) {
            throw new InvalidRequestException("Give exactly one of phone, email, identity or objectId");
        }
        String value = parameters.getOrDefault(given.get(0), "");
        switch (given.get(0)) {
            case "phone":
                return ofValue(Identities.normalize(IdentityKind.PHONE, value)
                        .orElseThrow(() -> new InvalidRequestException("Phone number is not valid")));
            case "email":
                return ofValue(Identities.normalize(IdentityKind.EMAIL, value)
                        .orElseThrow(() -> new InvalidRequestException("Email is not valid")));
            case "identity":
                return new HistoryQuery(account.lookupKeys(value), Optional.empty());
            default:
                if (!Guids.isWellFormed(value)) {
                    throw new InvalidRequestException("objectId is not valid: 1 to 64 letters, digits, '_' or '-'");
                }
                return new HistoryQuery(List.of(), Optional.of(value));
        }
    }

    private static HistoryQuery ofValue(IdentityKey key) {
        return new HistoryQuery(List.of(key), Optional.empty());
    }
}
