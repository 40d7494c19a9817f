package dev.tether.identity;

/** One normalised identity value of one kind: what the uniqueness rule is about. */
public record IdentityKey(IdentityKind kind, String value) {
    public static IdentityKey phone(String e164) {
        return new IdentityKey(IdentityKind.PHONE, e164);
    }
}
