package dev.tether.history;

import dev.tether.identity.PhoneNumbers;
import dev.tether.account.Account;
import dev.tether.account.Lookup;
import dev.tether.batch.InvalidRequestException;
import dev.tether.identity.Guids;
import dev.tether.identity.IdentityKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code GET /1/identity/history.json}: exactly one of {@code phone=}, {@code email=}, {@code identity=}
 * (the values whose holders are wanted, named as {@link Lookup} says) or {@code objectId=} (the profile whose
 * identities are wanted). Unlike a profile read, a value that names nothing is a 400: it has no history to give.
 */
public record HistoryQuery(List<IdentityKey> values, Optional<String> profile) {

    public static HistoryQuery parse(Account account, Map<String, String> parameters) {
        Map.Entry<Lookup, String> given = Lookup.given(parameters)
                .orElseThrow(() -> new InvalidRequestException(Lookup.NOT_ONE));
        Lookup lookup = given.getKey();
        if (lookup == Lookup.OBJECT_ID) {
            return new HistoryQuery(List.of(), Optional.of(lookup.guid(given.getValue()).orElseThrow(() ->
                    new InvalidRequestException("objectId is not valid: " + Guids.FORM))));
        }
        List<IdentityKey> keys = lookup.keys(account, given.getValue());
        if (keys.isEmpty()) {
            throw new InvalidRequestException(lookup == Lookup.PHONE ? PhoneNumbers.INVALID
                    : lookup == Lookup.EMAIL ? "Email is not valid" : "identity is not valid as any identity kind");
        }
        return new HistoryQuery(keys, Optional.empty());
    }
}
