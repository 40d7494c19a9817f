package dev.tether.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.store.AuditEntry;

/** An audit entry as {@code GET /1/audit.json} and {@code tether audit} show it (docs/API.md section 20). */
public final class AuditJson {
    private AuditJson() {
    }

    public static void write(ObjectNode out, AuditEntry entry) {
        out.put("at", entry.at());
        out.put("requestId", entry.requestId());
        out.put("actor", entry.actor());
        out.put("action", entry.action());
        out.put("processed", entry.processed());
        out.put("unprocessed", entry.unprocessed());
        out.put("idempotencyKey", entry.idempotencyKey().orElse(null));
        out.put("replayed", entry.replayed());
    }
}
