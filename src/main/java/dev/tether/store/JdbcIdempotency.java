package dev.tether.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** The SQL of Idempotency-Keys. */
final class JdbcIdempotency implements IdempotencyWrites {
    /** The spaces of the transaction locks: one lock per key (by a hash of it), and the one purge lock. */
    private static final int KEY_LOCKS = 0x1D3;
    private static final int PURGE_LOCK = 0x1D4;

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
    public boolean claim(String accountId, String key) {
        return tryLock(KEY_LOCKS, hash(accountId + "\n" + key));
    }

    private boolean tryLock(int space, int id) {
        Optional<String> lock = sql.dialect().tryTransactionLock();
        if (lock.isEmpty()) {
            return true;
        }
        return sql.query(lock.get(), s -> {
            s.setInt(1, space);
            s.setInt(2, id);
        }, row -> row.getBoolean(1)).get(0);
    }

    /** 32 bits of SHA-256: two keys share a lock only by a chance nobody can aim at cheaply. */
    private static int hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
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
        if (!tryLock(PURGE_LOCK, 0)) {
            return 0;
        }
        String key = sql.dialect().rowKey("", "account_id", "idempotency_key");
        return sql.update("DELETE FROM idempotency_keys WHERE (" + key + ") IN (SELECT " + key
                + " FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)", s -> {
                    s.setLong(1, before);
                    s.setInt(2, limit);
                });
    }
}
