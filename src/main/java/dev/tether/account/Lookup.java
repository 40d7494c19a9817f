package dev.tether.account;

import dev.tether.identity.Guids;
import dev.tether.identity.Identities;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a read names whom it is about: exactly one of {@code identity=}, {@code email=}, {@code phone=} or
 * {@code objectId=}. The one rule for what each names, used by the profile read and the identity history:
 * {@code identity=} is the value as each kind it can be, as an upload's {@code identity} resolves it; {@code email=}
 * and {@code phone=} are that kind only; {@code objectId=} is a GUID.
 */
public enum Lookup {
    IDENTITY("identity"), EMAIL("email"), PHONE("phone"), OBJECT_ID("objectId");

    public static final String NOT_ONE = "Give exactly one of identity, email, phone or objectId";

    private final String parameter;

    Lookup(String parameter) {
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }

    /** The one lookup the parameters give, with its value; empty when none or more than one is given. */
    public static Optional<Map.Entry<Lookup, String>> given(Map<String, String> parameters) {
        List<Lookup> given = Arrays.stream(values())
                .filter(lookup -> !parameters.getOrDefault(lookup.parameter, "").isEmpty()).toList();
        return given.size() == 1
                ? Optional.of(Map.entry(given.get(0), parameters.getOrDefault(given.get(0).parameter, "")))
                : Optional.empty();
    }

    /** The identity keys the value names for this account; none for a GUID or a value valid as no kind. */
    public List<IdentityKey> keys(Account account, String value) {
        switch (this) {
            case EMAIL:
                return Identities.normalize(IdentityKind.EMAIL, value).stream().toList();
            case PHONE:
                return Identities.normalize(IdentityKind.PHONE, value).stream().toList();
            case IDENTITY:
                return account.lookupKeys(value);
            default:
                return List.of();
        }
    }

    /** The GUID an {@code objectId=} names, when it is well-formed. */
    public Optional<String> guid(String value) {
        return this == OBJECT_ID && Guids.isWellFormed(value) ? Optional.of(value) : Optional.empty();
    }
}
