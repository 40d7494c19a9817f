package dev.tether.check;

import dev.tether.identity.IdentityKind;
import dev.tether.store.Inspection;
import dev.tether.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * The invariant checker of {@code tether check}: the rules that must always hold in the stored data, each checked
 * in SQL over the whole database. An operator's tool, outside the store's interface; the tests end with it too.
 */
public final class InvariantChecker {
    private final Inspection inspection;

    public InvariantChecker(Store store) {
        this.inspection = store.inspection();
    }

    private static final String NO_END = "9223372036854775807";
    /** The action of a disassociation's audit entry: its method and path (docs/API.md section 20). */
    private static final String DISASSOCIATE = "POST /1/disassociate";

    /** Every violation in the database, at most {@code limit} of each invariant. */
    public List<InvariantViolation> violations(int limit) {
        List<InvariantViolation> found = new ArrayList<>();
        check(found, InvariantViolation.Invariant.ONE_HOLDER_PER_IDENTITY,
                "SELECT account_id, kind || ' ' || value || ' has ' || COUNT(*) || ' active bindings'"
                        + " FROM identity_bindings WHERE ended_at IS NULL GROUP BY account_id, kind, value"
                        + " HAVING COUNT(*) > 1", limit);
        check(found, InvariantViolation.Invariant.ACTIVE_BINDING_HAS_PROFILE,
                "SELECT b.account_id, b.kind || ' ' || b.value || ' is bound to '"
                        + " || COALESCE(b.guid, 'no profile') || CASE WHEN b.guid IS NULL THEN ''"
                        + " WHEN p.guid IS NULL THEN ', which does not exist' ELSE ', which was merged into '"
                        + " || p.merged_into END"
                        + " FROM identity_bindings b LEFT JOIN profiles p ON p.account_id = b.account_id"
                        + " AND p.guid = b.guid WHERE b.ended_at IS NULL"
                        + " AND (b.guid IS NULL OR p.guid IS NULL OR p.merged_into IS NOT NULL)", limit);
        check(found, InvariantViolation.Invariant.ONE_IDENTITY_PER_KIND,
                "SELECT account_id, guid || ' holds ' || COUNT(*) || ' active bindings of ' || kind"
                        + " FROM identity_bindings WHERE ended_at IS NULL AND guid IS NOT NULL"
                        + " GROUP BY account_id, guid, kind HAVING COUNT(*) > 1", limit);
        for (IdentityKind kind : List.of(IdentityKind.IDENTITY, IdentityKind.EMAIL, IdentityKind.PHONE)) {
            String property = inspection.propertyText("p.properties", kind.propertyKey());
            String enabled = switch (kind) {
                case EMAIL -> "a.email_is_identity";
                case PHONE -> "a.phone_is_identity";
                default -> "TRUE";
            };
            check(found, InvariantViolation.Invariant.PROPERTY_MATCHES_BINDING,
                    "SELECT p.account_id, p.guid || ' has " + kind.propertyKey() + " ' || " + property
                            + " || ' without an active binding of it' FROM profiles p JOIN accounts a"
                            + " ON a.account_id = p.account_id WHERE p.merged_into IS NULL AND " + enabled
                            + " AND " + property + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM identity_bindings b"
                            + " WHERE b.account_id = p.account_id AND b.guid = p.guid AND b.kind = '"
                            + kind.storedName() + "' AND b.ended_at IS NULL AND b.value = " + property + ")", limit);
        }
        check(found, InvariantViolation.Invariant.HISTORY_DOES_NOT_OVERLAP,
                "SELECT account_id, kind || ' ' || value || ': binding ' || binding_id || ' from ' || started_at"
                        + " || ' to ' || COALESCE(CAST(ended_at AS TEXT), 'now') || CASE WHEN ended_at < started_at"
                        + " THEN ' ends before it starts' ELSE ' starts before an earlier one ended' END"
                        + " FROM (SELECT account_id, kind, value, binding_id, started_at, ended_at,"
                        + " MAX(COALESCE(ended_at, " + NO_END + ")) OVER (PARTITION BY account_id, kind, value"
                        + " ORDER BY started_at, COALESCE(ended_at, " + NO_END + "), binding_id"
                        + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end"
                        + " FROM identity_bindings) h WHERE earlier_end > started_at OR ended_at < started_at", limit);
        check(found, InvariantViolation.Invariant.KEY_ROW_MATCHES_BINDINGS,
                "SELECT b.account_id, b.kind || ' ' || b.value || ' has no key row' FROM identity_bindings b"
                        + " WHERE NOT EXISTS (SELECT 1 FROM identity_keys k WHERE k.account_id = b.account_id"
                        + " AND k.kind = b.kind AND k.value = b.value) GROUP BY b.account_id, b.kind, b.value", limit);
        check(found, InvariantViolation.Invariant.KEY_ROW_MATCHES_BINDINGS,
                "SELECT k.account_id, k.kind || ' ' || k.value || ': its key row names '"
                        + " || COALESCE(k.guid, 'no profile') || ', its active binding '"
                        + " || COALESCE(b.guid, CASE WHEN b.binding_id IS NULL THEN 'none' ELSE 'no profile' END)"
                        + " FROM identity_keys k LEFT JOIN identity_bindings b ON b.account_id = k.account_id"
                        + " AND b.kind = k.kind AND b.value = k.value AND b.ended_at IS NULL"
                        + " WHERE COALESCE(k.guid, '') <> COALESCE(b.guid, '')", limit);
        check(found, InvariantViolation.Invariant.KEY_ROW_MATCHES_BINDINGS,
                "SELECT k.account_id, k.kind || ' ' || k.value || ': its key row changed at ' || k.changed_at"
                        + " || ', before its binding ' || b.binding_id || ' started or ended'"
                        + " FROM identity_keys k JOIN identity_bindings b ON b.account_id = k.account_id"
                        + " AND b.kind = k.kind AND b.value = k.value"
                        + " WHERE k.changed_at < COALESCE(b.ended_at, b.started_at)", limit);
        check(found, InvariantViolation.Invariant.EVENT_HAS_PROFILE,
                "SELECT e.account_id, COUNT(*) || ' events of ' || e.guid || CASE WHEN p.guid IS NULL"
                        + " THEN ', which does not exist' ELSE ', which was merged into ' || p.merged_into END"
                        + " FROM events e LEFT JOIN profiles p ON p.account_id = e.account_id AND p.guid = e.guid"
                        + " WHERE p.guid IS NULL OR p.merged_into IS NOT NULL"
                        + " GROUP BY e.account_id, e.guid, p.guid, p.merged_into", limit);
        check(found, InvariantViolation.Invariant.MERGE_IS_RECORDED,
                "SELECT p.account_id, p.guid || ' is merged into ' || p.merged_into || ' without a record of it'"
                        + " FROM profiles p WHERE p.merged_into IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                        + " profile_merges m WHERE m.account_id = p.account_id AND m.from_guid = p.guid)", limit);
        check(found, InvariantViolation.Invariant.MERGE_IS_RECORDED,
                "SELECT m.account_id, 'the merge of ' || m.from_guid || ' into ' || m.into_guid || ' is recorded, but '"
                        + " || m.from_guid || CASE WHEN p.guid IS NULL THEN ' does not exist' ELSE ' is live' END"
                        + " FROM profile_merges m LEFT JOIN profiles p ON p.account_id = m.account_id"
                        + " AND p.guid = m.from_guid WHERE p.guid IS NULL OR p.merged_into IS NULL", limit);
        // set-based, so that each backend joins the trail and the bindings once (by the trail's index on the request)
        for (String end : List.of("started", "ended")) {
            check(found, InvariantViolation.Invariant.CHANGE_IS_AUDITED,
                    "SELECT b.account_id, b.kind || ' ' || b.value || ': binding ' || b.binding_id || ' was " + end
                            + " by request ' || b." + end + "_request || ', which has no audit entry'"
                            + " FROM identity_bindings b LEFT JOIN audit_entries a ON a.account_id = b.account_id"
                            + " AND a.request_id = b." + end + "_request AND NOT a.replayed"
                            + " JOIN (SELECT account_id, MIN(at) AS oldest FROM audit_entries GROUP BY account_id) t"
                            + " ON t.account_id = b.account_id"
                            + " WHERE b." + end + "_request IS NOT NULL AND a.request_id IS NULL"
                            + " AND t.oldest <= b." + end + "_at", limit);
        }
        check(found, InvariantViolation.Invariant.CHANGE_IS_AUDITED,
                "SELECT a.account_id, 'request ' || a.request_id || ' disassociated ' || a.processed"
                        + " || ' numbers by its audit entry, and ended no binding' FROM audit_entries a"
                        + " LEFT JOIN (SELECT DISTINCT account_id, ended_request FROM identity_bindings"
                        + " WHERE ended_request IS NOT NULL) e ON e.account_id = a.account_id"
                        + " AND e.ended_request = a.request_id"
                        + " WHERE a.action = '" + DISASSOCIATE + "' AND a.processed > 0 AND NOT a.replayed"
                        + " AND e.ended_request IS NULL", limit);
        return found;
    }

    private void check(List<InvariantViolation> found, InvariantViolation.Invariant invariant, String sql, int limit) {
        for (List<String> row : inspection.rows(sql + " LIMIT " + limit)) {
            found.add(new InvariantViolation(invariant, row.get(0), row.get(1)));
        }
    }

}
