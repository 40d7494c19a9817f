package dev.tether.store;

import java.util.Optional;

/** The SQL of Idempotency-Keys. */
final class JdbcIdempotency implements IdempotencyWrites {
    private final Sql sql;

    JdbcIdempotency(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Optional<StoredReply> find(String accountId, String key) {
        return sql.query("SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE account_id = ?"
                        + " AND idempotency_key = ?" + sql.lockRows(),
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, key);
                }, row -> new StoredReply(row.getString(1), row.getInt(2), row.getString(3), row.getLong(4)))
                .stream().findFirst();
    }

    @Override
    public void remember(String accountId, String key, StoredReply reply) {
        sql.update("INSERT INTO idempotency_keys (account_id, idempotency_key, request_hash, status, body, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", s -> {
                    s.setString(1, accountId);
                    s.setString(2, key);
                    s.setString(3, reply.requestHash());
                    s.setInt(4, reply.status());
                    s.setString(5, reply.body());
                    s.setLong(6, reply.createdAt());
                });
    }

    @Override
    public void forget(String accountId, String key) {
        sql.update("DELETE FROM idempotency_keys WHERE account_id = ? AND idempotency_key = ?", s -> {
            s.setString(1, accountId);
            s.setString(2, key);
        });
    }

    @Override
    public int purge(long before, int limit) {
        return sql.update("DELETE FROM idempotency_keys WHERE (account_id, idempotency_key) IN (SELECT account_id,"
                + " idempotency_key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)", s -> {
                    s.setLong(1, before);
                    s.setInt(2, limit);
                });
    }
}
