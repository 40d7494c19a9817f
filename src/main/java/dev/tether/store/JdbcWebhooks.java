package dev.tether.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The SQL of webhook endpoints, the outbox and delivery attempts. */
final class JdbcWebhooks implements WebhookWrites {
    private static final String ENDPOINT_COLUMNS = "endpoint_id, account_id, url, event_types, sealed_secret,"
            + " created_at, delivered_seq, attempts, next_attempt_at, paused_at";

    private final Sql sql;

    JdbcWebhooks(Sql sql) {
        this.sql = sql;
    }

    @Override
    public List<StoredEndpoint> endpoints(String accountId) {
        return sql.query("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE account_id = ?"
                + " ORDER BY created_at, endpoint_id", s -> s.setString(1, accountId), JdbcWebhooks::endpoint);
    }

    @Override
    public Optional<StoredEndpoint> endpoint(String endpointId) {
        return sql.query("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE endpoint_id = ?",
                s -> s.setString(1, endpointId), JdbcWebhooks::endpoint).stream().findFirst();
    }

    private static StoredEndpoint endpoint(ResultSet row) throws SQLException {
        String types = row.getString(4);
        return new StoredEndpoint(row.getString(1), row.getString(2), row.getString(3),
                types.isEmpty() ? List.of() : Arrays.asList(types.split(",")), row.getString(5), row.getLong(6),
                row.getLong(7), row.getInt(8), row.getLong(9), pausedAt(row));
    }

    private static OptionalLong pausedAt(ResultSet row) throws SQLException {
        long at = row.getLong(10);
        return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(at);
    }

    @Override
    public List<OutboxMessage> messagesAfter(String accountId, long seq, int limit) {
        List<OutboxMessage> messages = new ArrayList<>();
        long after = seq;
        while (messages.size() < limit) {
            long from = after;
            List<List<OutboxMessage>> rows = sql.query("SELECT first_seq, messages, created_at FROM webhook_outbox"
                            + " WHERE account_id = ? AND first_seq >= " + firstRowAfter("?", "?")
                            + " ORDER BY first_seq LIMIT ?", s -> {
                        s.setString(1, accountId);
                        s.setString(2, accountId);
                        s.setLong(3, from);
                        s.setInt(4, ROWS_PER_READ);
                    }, row -> decode(row.getLong(1), row.getString(2), row.getLong(3)));
            boolean more = false;
            for (List<OutboxMessage> written : rows) {
                for (OutboxMessage message : written) {
                    if (message.seq() > after && messages.size() < limit) {
                        messages.add(message);
                        after = message.seq();
                        more = true;
                    }
                }
            }
            if (!more) {
                break;
            }
        }
        return messages;
    }

    /**
     * Where an account's outbox rows after a cursor start, by the primary key alone: the row the cursor is in
     * (the last that starts at or before it; its messages after the cursor are still to come), or the first.
     */
    private static String firstRowAfter(String account, String cursor) {
        return "COALESCE((SELECT MAX(r.first_seq) FROM webhook_outbox r WHERE r.account_id = " + account
                + " AND r.first_seq <= " + cursor + "), 0)";
    }

    /** Outbox rows read at a time (each holds one transaction's messages). */
    private static final int ROWS_PER_READ = 8;

    /** The messages of one outbox row: one a line, id TAB type TAB payload. */
    private static List<OutboxMessage> decode(long firstSeq, String text, long createdAt) {
        List<OutboxMessage> messages = new ArrayList<>();
        int start = 0;
        long seq = firstSeq;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int tab = text.indexOf('\t', start);
            int tab2 = text.indexOf('\t', tab + 1);
            messages.add(new OutboxMessage(seq++, text.substring(start, tab), text.substring(tab + 1, tab2),
                    text.substring(tab2 + 1, end), createdAt));
            start = end + 1;
        }
        return messages;
    }

    private static String encode(List<NewMessage> messages) {
        StringBuilder text = new StringBuilder(messages.size() * 300);
        for (NewMessage message : messages) {
            if (message.payload().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an outbox payload is one line");
            }
            text.append(message.messageId()).append('\t').append(message.type()).append('\t')
                    .append(message.payload()).append('\n');
        }
        return text.toString();
    }

    /**
     * The newest attempts of the account's endpoints: the newest {@code limit} of each endpoint through its own
     * index, merged here. One statement joining the attempts to the endpoints walked every endpoint's attempts by
     * age on PostgreSQL, newest first, until it had found the account's (the query-plan contract found it); an
     * account has a handful of endpoints.
     */
    @Override
    public List<DeliveryAttempt> attempts(String accountId, Optional<String> endpointId, int limit) {
        List<String> endpoints = sql.query("SELECT endpoint_id FROM webhook_endpoints WHERE account_id = ?"
                + (endpointId.isPresent() ? " AND endpoint_id = ?" : ""), s -> {
                    s.setString(1, accountId);
                    if (endpointId.isPresent()) {
                        s.setString(2, endpointId.get());
                    }
                }, row -> row.getString(1));
        List<DeliveryAttempt> attempts = new ArrayList<>();
        for (String endpoint : endpoints) {
            attempts.addAll(sql.query("SELECT endpoint_id, seq, attempt, message_id, type, attempted_at, duration_ms,"
                    + " http_status, error, outcome FROM webhook_attempts WHERE endpoint_id = ?"
                    + " ORDER BY attempted_at DESC, seq DESC, attempt DESC LIMIT ?", s -> {
                        s.setString(1, endpoint);
                        s.setInt(2, limit);
                    }, row -> {
                        int status = row.getInt(8);
                        OptionalInt httpStatus = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
                        return new DeliveryAttempt(row.getString(1), row.getLong(2), row.getInt(3), row.getString(4),
                                row.getString(5), row.getLong(6), row.getLong(7), httpStatus,
                                Optional.ofNullable(row.getString(9)), row.getString(10));
                    }));
        }
        attempts.sort(NEWEST_FIRST);
        return attempts.size() > limit ? List.copyOf(attempts.subList(0, limit)) : attempts;
    }

    private static final Comparator<DeliveryAttempt> NEWEST_FIRST = Comparator
            .comparingLong(DeliveryAttempt::attemptedAt).thenComparingLong(DeliveryAttempt::seq)
            .thenComparingInt(DeliveryAttempt::attempt).reversed();

    /**
     * One statement for the endpoints' positions, then one per account and position, each naming its account: a
     * join of the endpoints to the outbox on {@code o.account_id = e.account_id} left a partitioned outbox's planner
     * no account to prune by, and walked a partition's index (the query-plan contract found it on a partitioned
     * database); a Citus cluster could not route it to one shard either. An account has a handful of endpoints.
     */
    @Override
    public OptionalLong oldestUndelivered() {
        List<Map.Entry<String, Long>> positions = sql.query("SELECT DISTINCT account_id, delivered_seq"
                + " FROM webhook_endpoints", s -> { }, row -> Map.entry(row.getString(1), row.getLong(2)));
        OptionalLong oldest = OptionalLong.empty();
        for (Map.Entry<String, Long> position : positions) {
            List<Long> found = sql.query("SELECT MIN(o.created_at) FROM webhook_outbox o WHERE o.account_id = ?"
                    + " AND o.first_seq >= " + firstRowAfter("?", "?") + " AND o.last_seq > ?", s -> {
                        s.setString(1, position.getKey());
                        s.setString(2, position.getKey());
                        s.setLong(3, position.getValue());
                        s.setLong(4, position.getValue());
                    }, row -> {
                        long at = row.getLong(1);
                        return row.wasNull() ? -1L : at;
                    });
            if (!found.isEmpty() && found.get(0) >= 0
                    && (oldest.isEmpty() || found.get(0) < oldest.getAsLong())) {
                oldest = OptionalLong.of(found.get(0));
            }
        }
        return oldest;
    }

    @Override
    public StoredEndpoint addEndpoint(StoredEndpoint endpoint) {
        // after every message numbered so far: a number no transaction will take (PostgreSQL), or the last taken
        long start = firstSeqOf(sql.dialect().nextval(UNITS).isPresent() ? nextUnit(endpoint.accountId())
                : lastUnit(endpoint.accountId())) + UNIT_SIZE - 1;
        sql.update("INSERT INTO webhook_endpoints (" + ENDPOINT_COLUMNS + ", lease_owner, lease_until)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, NULL, NULL, 0)", s -> {
                    s.setString(1, endpoint.endpointId());
                    s.setString(2, endpoint.accountId());
                    s.setString(3, endpoint.url());
                    s.setString(4, String.join(",", endpoint.types()));
                    s.setString(5, endpoint.sealedSecret());
                    s.setLong(6, endpoint.createdAt());
                    s.setLong(7, start);
                });
        return new StoredEndpoint(endpoint.endpointId(), endpoint.accountId(), endpoint.url(), endpoint.types(),
                endpoint.sealedSecret(), endpoint.createdAt(), start, 0, 0, OptionalLong.empty());
    }

    /** The messages of one transaction are numbered from its number times this: 2^24 messages at most. */
    private static final long UNIT_SIZE = 1L << 24;
    private static final String UNITS = "webhook_units";
    /** The space of the accounts' outbox locks (PostgreSQL advisory locks, by a hash of the account id). */
    private static final int OUTBOX_LOCKS = 0x1D5;

    private static long firstSeqOf(long unit) {
        return unit * UNIT_SIZE;
    }

    /**
     * The next number of the account's outbox, taken last in the transaction and held to its commit, so that the
     * numbers of an account follow the order of its commits: on PostgreSQL the account's advisory lock, then the
     * sequence (read outside every snapshot, so a writer that waited for the lock reads a number after the one
     * it waited for); on SQLite the account's row, under its one writer.
     */
    private long nextUnit(String accountId) {
        Dialect dialect = sql.dialect();
        Optional<String> nextval = dialect.nextval(UNITS);
        if (nextval.isPresent()) {
            dialect.transactionLock().ifPresent(lock -> sql.query(lock, s -> {
                s.setInt(1, OUTBOX_LOCKS);
                s.setInt(2, accountId.hashCode());
            }, row -> 1));
            return sql.query(nextval.get(), s -> { }, row -> row.getLong(1)).get(0);
        }
        long unit = lastUnit(accountId) + 1;
        sql.update("UPDATE webhook_units SET last_unit = ? WHERE account_id = ?", s -> {
            s.setLong(1, unit);
            s.setString(2, accountId);
        });
        return unit;
    }

    /** SQLite: the last number the account's outbox took (its row made at 0 if there is none yet). */
    private long lastUnit(String accountId) {
        sql.update("INSERT INTO webhook_units (account_id, last_unit) VALUES (?, 0) ON CONFLICT (account_id)"
                + " DO NOTHING", s -> s.setString(1, accountId));
        return sql.query("SELECT last_unit FROM webhook_units WHERE account_id = ?",
                s -> s.setString(1, accountId), row -> row.getLong(1)).get(0);
    }

    @Override
    public boolean removeEndpoint(String accountId, String endpointId) {
        sql.update("DELETE FROM webhook_attempts WHERE endpoint_id IN (SELECT endpoint_id FROM webhook_endpoints"
                + " WHERE account_id = ? AND endpoint_id = ?)", s -> {
                    s.setString(1, accountId);
                    s.setString(2, endpointId);
                });
        return sql.update("DELETE FROM webhook_endpoints WHERE account_id = ? AND endpoint_id = ?", s -> {
            s.setString(1, accountId);
            s.setString(2, endpointId);
        }) > 0;
    }

    @Override
    public void append(String accountId, List<NewMessage> messages, long createdAt) {
        if (messages.isEmpty()) {
            return;
        }
        if (messages.size() > UNIT_SIZE) {
            throw new IllegalArgumentException("one transaction wrote more than " + UNIT_SIZE + " messages");
        }
        long first = firstSeqOf(nextUnit(accountId));
        sql.update("INSERT INTO webhook_outbox (account_id, first_seq, last_seq, messages, created_at)"
                + " VALUES (?, ?, ?, ?, ?)", s -> {
                    s.setString(1, accountId);
                    s.setLong(2, first);
                    s.setLong(3, first + messages.size() - 1);
                    s.setString(4, encode(messages));
                    s.setLong(5, createdAt);
                });
    }

    /**
     * An endpoint {@code e} that has messages to get (the account's newest outbox row has the highest number) and
     * is due at the time bound twice, not leased and not paused.
     */
    private static final String DUE = "e.delivered_seq < (SELECT o.last_seq FROM webhook_outbox o WHERE"
            + " o.account_id = e.account_id ORDER BY o.first_seq DESC LIMIT 1) AND e.next_attempt_at <= ?"
            + " AND e.lease_until <= ? AND e.paused_at IS NULL";

    @Override
    public boolean anyDue(long now) {
        return !sql.query("SELECT 1 FROM webhook_endpoints e WHERE " + DUE + " LIMIT 1", s -> {
            s.setLong(1, now);
            s.setLong(2, now);
        }, row -> 1).isEmpty();
    }

    @Override
    public List<StoredEndpoint> lease(String owner, long now, long until, int limit) {
        List<String> due = sql.query("SELECT e.endpoint_id FROM webhook_endpoints e WHERE " + DUE
                        + " ORDER BY e.next_attempt_at LIMIT ?" + sql.dialect().lockRowsSkippingLocked("e"), s -> {
                    s.setLong(1, now);
                    s.setLong(2, now);
                    s.setInt(3, limit);
                }, row -> row.getString(1));
        List<StoredEndpoint> leased = new ArrayList<>();
        for (String endpointId : due) {
            sql.update("UPDATE webhook_endpoints SET lease_owner = ?, lease_until = ? WHERE endpoint_id = ?", s -> {
                s.setString(1, owner);
                s.setLong(2, until);
                s.setString(3, endpointId);
            });
            endpoint(endpointId).ifPresent(leased::add);
        }
        return leased;
    }

    @Override
    public boolean recordAttempts(String endpointId, List<DeliveryAttempt> attempts, String owner,
                                  long deliveredSeq, int failedAttempts, long nextAttemptAt, long leaseUntil) {
        int moved = sql.update("UPDATE webhook_endpoints SET delivered_seq = ?, attempts = ?, next_attempt_at = ?,"
                + " lease_until = ? WHERE endpoint_id = ? AND lease_owner = ?", s -> {
                    s.setLong(1, deliveredSeq);
                    s.setInt(2, failedAttempts);
                    s.setLong(3, nextAttemptAt);
                    s.setLong(4, leaseUntil);
                    s.setString(5, endpointId);
                    s.setString(6, owner);
                });
        if (moved == 0) {
            return false;
        }
        sql.batch("INSERT INTO webhook_attempts (endpoint_id, seq, attempt, message_id, type, attempted_at,"
                + " duration_ms, http_status, error, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts,
                (s, attempt) -> {
                    s.setString(1, attempt.endpointId());
                    s.setLong(2, attempt.seq());
                    s.setInt(3, attempt.attempt());
                    s.setString(4, attempt.messageId());
                    s.setString(5, attempt.type());
                    s.setLong(6, attempt.attemptedAt());
                    s.setLong(7, attempt.durationMs());
                    if (attempt.httpStatus().isPresent()) {
                        s.setInt(8, attempt.httpStatus().getAsInt());
                    } else {
                        s.setNull(8, Types.INTEGER);
                    }
                    s.setString(9, attempt.error().orElse(null));
                    s.setString(10, attempt.outcome());
                });
        return true;
    }

    @Override
    public boolean pause(String accountId, String endpointId, long at) {
        return sql.update("UPDATE webhook_endpoints SET paused_at = COALESCE(paused_at, ?) WHERE account_id = ?"
                + " AND endpoint_id = ?", s -> {
                    s.setLong(1, at);
                    s.setString(2, accountId);
                    s.setString(3, endpointId);
                }) > 0;
    }

    @Override
    public boolean resume(String accountId, String endpointId) {
        return sql.update("UPDATE webhook_endpoints SET paused_at = NULL, next_attempt_at = 0 WHERE account_id = ?"
                + " AND endpoint_id = ?", s -> {
                    s.setString(1, accountId);
                    s.setString(2, endpointId);
                }) > 0;
    }

    @Override
    public void release(String endpointId, String owner) {
        sql.update("UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = 0 WHERE endpoint_id = ?"
                + " AND lease_owner = ?", s -> {
                    s.setString(1, endpointId);
                    s.setString(2, owner);
                });
    }

    @Override
    public void releaseAll(String server) {
        sql.update("UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = 0 WHERE lease_owner LIKE ?",
                s -> s.setString(1, server + "/%"));
    }

    @Override
    public int prune(long before, long attemptsBefore, int limit) {
        int messages = sql.update("DELETE FROM webhook_outbox WHERE (" + sql.dialect().rowKey("", "account_id",
                "first_seq") + ") IN (SELECT " + sql.dialect().rowKey("o.", "account_id", "first_seq")
                + " FROM webhook_outbox o WHERE o.created_at < ? AND NOT EXISTS (SELECT 1"
                + " FROM webhook_endpoints e WHERE e.account_id = o.account_id AND e.delivered_seq < o.last_seq)"
                + " ORDER BY o.created_at LIMIT ?)", s -> {
                    s.setLong(1, before);
                    s.setInt(2, limit);
                });
        String attempt = sql.dialect().rowKey("", "endpoint_id", "seq", "attempt", "attempted_at");
        int attempts = sql.update("DELETE FROM webhook_attempts WHERE (" + attempt + ") IN (SELECT " + attempt
                + " FROM webhook_attempts WHERE attempted_at < ?"
                + " ORDER BY attempted_at LIMIT ?)", s -> {
                    s.setLong(1, attemptsBefore);
                    s.setInt(2, limit);
                });
        return messages + attempts;
    }
}
