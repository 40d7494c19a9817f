package dev.tether.check;

/** One place where the stored data breaks a rule that must always hold (see {@code tether check}). */
public record InvariantViolation(Invariant invariant, String accountId, String detail) {

    /** The rules the checker verifies, each with the sentence an operator reads. */
    public enum Invariant {
        ONE_HOLDER_PER_IDENTITY("an active identity is bound to exactly one profile"),
        ACTIVE_BINDING_HAS_PROFILE("an active binding names a live profile (it exists and is not merged away)"),
        ONE_IDENTITY_PER_KIND("a profile holds at most one active identity of each kind"),
        PROPERTY_MATCHES_BINDING("a profile's Identity, Email or Phone property is the value of its active binding"),
        HISTORY_DOES_NOT_OVERLAP("the bindings of one value, over time, never overlap and never end before they start"),
        KEY_ROW_MATCHES_BINDINGS("an identity's key row names the profile of its active binding, or none when it has"
                + " none, and was written at its last start or end"),
        EVENT_HAS_PROFILE("every event belongs to a live profile"),
        MERGE_IS_RECORDED("a merged profile has the record of its merge, and a record of a merge names a merged"
                + " profile (a demerge removes the record with the merge)"),
        CHANGE_IS_AUDITED("a binding started or ended by a request has that request's audit entry (while the trail"
                + " reaches back to it), and a disassociation's audit entry that processed records names bindings"
                + " it ended");

        private final String rule;

        Invariant(String rule) {
            this.rule = rule;
        }

        public String rule() {
            return rule;
        }
    }
}
