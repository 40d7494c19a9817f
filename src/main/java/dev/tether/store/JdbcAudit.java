package dev.tether.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of the audit trail. */
final class JdbcAudit implements AuditWrites {
    private static final String COLUMNS = "at, entry_id, request_id, actor, action, processed, unprocessed,"
            + " idempotency_key, replayed";

    private final Sql sql;

    JdbcAudit(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void insert(String accountId, AuditEntry entry) {
        sql.update("INSERT INTO audit_entries (account_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s -> {
                    s.setString(1, accountId);
                    s.setLong(2, entry.at());
                    s.setString(3, entry.entryId());
                    s.setString(4, entry.requestId());
                    s.setString(5, entry.actor());
                    s.setString(6, entry.action());
                    s.setInt(7, entry.processed());
                    s.setInt(8, entry.unprocessed());
                    s.setString(9, entry.idempotencyKey().orElse(null));
                    s.setBoolean(10, entry.replayed());
                });
    }

    @Override
    public List<AuditEntry> page(String accountId, long from, long until, Optional<String> requestId, long afterAt,
                                 String afterId, int limit) {
        return sql.query("SELECT " + COLUMNS + " FROM audit_entries WHERE account_id = ? AND at >= ? AND at < ?"
                        + (requestId.isPresent() ? " AND request_id = ?" : "")
                        + " AND (at > ? OR (at = ? AND entry_id > ?)) ORDER BY at, entry_id LIMIT ?", s -> {
                    int i = 1;
                    s.setString(i++, accountId);
                    s.setLong(i++, from);
                    s.setLong(i++, until);
                    if (requestId.isPresent()) {
                        s.setString(i++, requestId.get());
                    }
                    s.setLong(i++, afterAt);
                    s.setLong(i++, afterAt);
                    s.setString(i++, afterId);
                    s.setInt(i, limit);
                }, JdbcAudit::entry);
    }

    private static AuditEntry entry(ResultSet row) throws SQLException {
        return new AuditEntry(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getInt(6), row.getInt(7), Optional.ofNullable(row.getString(8)), row.getBoolean(9));
    }

    /**
     * The oldest entries, each locked or left to a server purging it at the same time (skipped, never waited for), so
     * that the servers of a fleet purge side by side without blocking each other.
     */
    @Override
    public int purge(long before, int limit) {
        String key = sql.dialect().rowKey("", "account_id", "at", "entry_id");
        return sql.update("DELETE FROM audit_entries WHERE (" + key + ") IN (SELECT " + key
                + " FROM audit_entries old WHERE at < ? ORDER BY at LIMIT ?"
                + sql.dialect().lockRowsSkippingLocked("old") + ")", s -> {
                    s.setLong(1, before);
                    s.setInt(2, limit);
                });
    }
}
