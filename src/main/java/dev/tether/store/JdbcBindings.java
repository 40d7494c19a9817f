package dev.tether.store;

import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The SQL of identity bindings: one row per binding for its whole life, so the table is also the history. */
final class JdbcBindings implements BindingWrites {
    private static final String COLUMNS = "binding_id, kind, value, guid, started_at";

    private final Sql sql;

    JdbcBindings(Sql sql) {
        this.sql = sql;
    }

    /** Values grouped by kind, kinds in one fixed order: every writer takes the keys' locks in the same order. */
    private static Map<IdentityKind, List<String>> valuesByKind(Collection<IdentityKey> keys) {
        return keys.stream().distinct().collect(Collectors.groupingBy(IdentityKey::kind,
                () -> new EnumMap<>(IdentityKind.class), Collectors.mapping(IdentityKey::value, Collectors.toList())));
    }

    @Override
    public Map<IdentityKey, ActiveBinding> active(String accountId, Collection<IdentityKey> keys) {
        // one statement for every kind, so at one moment: in READ COMMITTED each statement sees its own, and a binding
        // moved from one kind's key to another's between two of them would show neither
        Map<IdentityKind, List<String>> byKind = valuesByKind(keys);
        if (byKind.isEmpty()) {
            return Map.of();
        }
        Map<IdentityKey, ActiveBinding> found = new HashMap<>();
        kindByKind(accountId, byKind, "SELECT " + COLUMNS + " FROM identity_bindings WHERE account_id = ? AND kind = ?"
                + " AND " + sql.dialect().inList("value") + " AND ended_at IS NULL", JdbcBindings::activeBinding)
                .forEach(b -> found.put(b.key(), b));
        return found;
    }

    /**
     * One statement of a part per kind ({@code part} names the account, the kind and the values, in that order),
     * joined by UNION ALL: each part reaches its rows through the whole key of its index, and the parts see one
     * moment.
     */
    private <T> List<T> kindByKind(String accountId, Map<IdentityKind, List<String>> byKind, String part,
                                   Sql.RowReader<T> reader) {
        Dialect dialect = sql.dialect();
        return sql.query(String.join(" UNION ALL ", Collections.nCopies(byKind.size(), part)), s -> {
            int index = 1;
            for (Map.Entry<IdentityKind, List<String>> kind : byKind.entrySet()) {
                s.setString(index++, accountId);
                s.setString(index++, kind.getKey().storedName());
                dialect.bindList(s, index++, kind.getValue());
            }
        }, reader);
    }

    /**
     * Every key in the one order of keys: by kind in the order of the kinds, then by the UTF-8 bytes of the value;
     * each run of keys in one mode is one statement (a unit that follows some keys and changes others interleaves
     * them): the keys it locks alone, of any kinds, each made or locked in its turn; the others a kind a statement.
     * Nothing where rows are not locked (SQLite's one writer, a read): the flush makes the rows there, and the unit's
     * clock orders its history.
     */
    @Override
    public Map<IdentityKey, KeyRow> lockKeys(String accountId, Collection<IdentityKey> keys, RowLock lock) {
        return lockKeys(accountId, keys, List.of(), Map.of(), lock);
    }

    @Override
    public Map<IdentityKey, KeyRow> lockKeys(String accountId, Collection<IdentityKey> keys,
                                             Collection<IdentityKey> followed, Map<IdentityKey, KeyRow> meant,
                                             RowLock lock) {
        if (!sql.locksRows() || lock == RowLock.NONE) {
            return Map.of();
        }
        Map<IdentityKey, KeyRow> rows = new HashMap<>();
        Set<IdentityKey> own = new HashSet<>(keys);
        Set<IdentityKey> all = new HashSet<>(own);
        all.addAll(followed);
        List<IdentityKey> run = new ArrayList<>();
        RowLock runLock = lock;
        for (IdentityKey key : inKeyOrder(all)) {
            RowLock keyLock = own.contains(key) ? lock
                    : lock == RowLock.IN_ORDER ? RowLock.SHARED : RowLock.SHARED_OUT_OF_ORDER;
            if (!run.isEmpty() && (keyLock != runLock
                    || keyLock != RowLock.IN_ORDER && key.kind() != run.get(0).kind())) {
                lockRun(accountId, run, runLock, meant, rows);
                run = new ArrayList<>();
            }
            runLock = keyLock;
            run.add(key);
        }
        if (!run.isEmpty()) {
            lockRun(accountId, run, runLock, meant, rows);
        }
        return rows;
    }

    /**
     * The keys in the one order of keys: kind, then the value's UTF-8 bytes (the order of {@link Dialect#byteOrder}),
     * each value's bytes taken once.
     */
    private static List<IdentityKey> inKeyOrder(Collection<IdentityKey> keys) {
        record Sortable(IdentityKey key, byte[] bytes) {
        }
        return keys.stream().map(key -> new Sortable(key, key.value().getBytes(StandardCharsets.UTF_8)))
                .sorted(Comparator.comparing((Sortable s) -> s.key().kind())
                        .thenComparing(Sortable::bytes, Arrays::compareUnsigned))
                .map(Sortable::key).toList();
    }

    /** Keys consecutive in the one order, locked in one mode: of any kinds in the order, of one kind out of it. */
    private void lockRun(String accountId, List<IdentityKey> run, RowLock lock, Map<IdentityKey, KeyRow> meant,
                         Map<IdentityKey, KeyRow> rows) {
        if (lock == RowLock.IN_ORDER) {
            makeOrLock(accountId, run, meant, rows);
            return;
        }
        Dialect dialect = sql.dialect();
        IdentityKind kind = run.get(0).kind();
        List<String> values = run.stream().map(IdentityKey::value).toList();
        List<KeyRow> locked = sql.lock("SELECT kind, value, guid, changed_at FROM identity_keys WHERE account_id = ?"
                + " AND kind = ? AND " + dialect.inList("value")
                + sql.lockRowsInOrder(dialect.byteOrder("value"), lock), lock, s -> {
                    s.setString(1, accountId);
                    s.setString(2, kind.storedName());
                    dialect.bindList(s, 3, values);
                }, JdbcBindings::keyRow);
        if (lock.outOfOrder() && locked.size() < values.size()) {
            // a row is made only in the order (its insert may wait for another's); out of it, the unit runs again
            // and makes it then
            throw new StorageException("a key locked out of order has no row yet", new SQLException(
                    "a key locked out of order has no row yet", Dialect.CONFLICT_STATE));
        }
        locked.forEach(keyRow -> rows.put(keyRow.key(), keyRow));
    }

    /**
     * Each key's row made or locked in its turn, in the one order, in one statement (the keys travel in that order,
     * and the statement takes them by their position), then the rows it locked read; those it made come back from it,
     * as made (named as meant, or naming nobody). A row made is held like a locked one, so making the missing rows
     * first and locking the others after would hold a later key while waiting for an earlier one (a deadlock with a
     * write that holds the earlier and waits for the later). The conflict's update changes nothing and locks the row
     * (documented for ON CONFLICT DO UPDATE ... WHERE).
     */
    private void makeOrLock(String accountId, List<IdentityKey> run, Map<IdentityKey, KeyRow> meant,
                            Map<IdentityKey, KeyRow> rows) {
        Dialect dialect = sql.dialect();
        List<KeyRow> toMake = run.stream().map(key -> meant.getOrDefault(key, new KeyRow(key, Optional.empty(), 0)))
                .toList();
        sql.query("INSERT INTO identity_keys (account_id, kind, value, guid, changed_at)"
                + " SELECT ?, listed.kind, listed.value, listed.guid, listed.changed_at FROM " + dialect.listedKeyRows()
                + " ORDER BY listed.position"
                + " ON CONFLICT (account_id, kind, value) DO UPDATE SET changed_at = identity_keys.changed_at"
                + " WHERE FALSE RETURNING kind, value, guid, changed_at", s -> {
                    s.setString(1, accountId);
                    dialect.bindList(s, 2, toMake.stream().map(row -> row.key().kind().storedName()).toList());
                    dialect.bindList(s, 3, toMake.stream().map(row -> row.key().value()).toList());
                    dialect.bindList(s, 4, toMake.stream().map(row -> row.holder().orElse(null)).toList());
                    dialect.bindList(s, 5, toMake.stream().map(row -> Long.toString(row.changedAt())).toList());
                }, JdbcBindings::keyRow).forEach(row -> rows.put(row.key(), row));
        List<IdentityKey> locked = run.stream().filter(key -> !rows.containsKey(key)).toList();
        if (locked.isEmpty()) {
            return;
        }
        // read a kind a part, each through the whole key of the index: a join with the list let the planner walk an
        // account's keys when it took the account for a small one (a new account, not yet in the statistics)
        kindByKind(accountId, valuesByKind(locked), "SELECT kind, value, guid, changed_at FROM identity_keys"
                + " WHERE account_id = ? AND kind = ? AND " + dialect.inList("value"), JdbcBindings::keyRow)
                .forEach(row -> rows.put(row.key(), row));
    }

    private static KeyRow keyRow(ResultSet row) throws SQLException {
        return new KeyRow(new IdentityKey(IdentityKind.fromStoredName(row.getString(1)), row.getString(2)),
                Optional.ofNullable(row.getString(3)), row.getLong(4));
    }

    @Override
    public void recordKeys(String accountId, Collection<KeyRow> keys) {
        sql.batch("INSERT INTO identity_keys (account_id, kind, value, guid, changed_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (account_id, kind, value) DO UPDATE SET guid = excluded.guid,"
                + " changed_at = excluded.changed_at", keys, (s, k) -> {
                    s.setString(1, accountId);
                    s.setString(2, k.key().kind().storedName());
                    s.setString(3, k.key().value());
                    s.setString(4, k.holder().orElse(null));
                    s.setLong(5, k.changedAt());
                });
    }

    @Override
    public List<ActiveBinding> activeOf(String accountId, Collection<String> guids) {
        if (guids.isEmpty()) {
            return List.of();
        }
        return sql.query("SELECT " + COLUMNS + " FROM identity_bindings WHERE account_id = ? AND "
                        + sql.dialect().inList("guid") + " AND ended_at IS NULL ORDER BY started_at, binding_id",
                s -> {
                    s.setString(1, accountId);
                    sql.dialect().bindList(s, 2, guids);
                }, JdbcBindings::activeBinding);
    }

    private static ActiveBinding activeBinding(ResultSet row) throws SQLException {
        IdentityKey key = new IdentityKey(IdentityKind.fromStoredName(row.getString(2)), row.getString(3));
        return new ActiveBinding(row.getString(1), key, row.getString(4), row.getLong(5));
    }

    @Override
    public List<HistoryEntry> history(String accountId, IdentityKey key) {
        return histories(accountId, List.of(key)).getOrDefault(key, List.of());
    }

    @Override
    public Map<IdentityKey, List<HistoryEntry>> histories(String accountId, Collection<IdentityKey> keys) {
        Map<IdentityKey, List<HistoryEntry>> found = new HashMap<>();
        Dialect dialect = sql.dialect();
        valuesByKind(keys).forEach((kind, values) -> sql.query("SELECT " + HISTORY_COLUMNS + " FROM identity_bindings"
                        + " WHERE account_id = ? AND kind = ? AND " + dialect.inList("value")
                        + " ORDER BY started_at DESC, binding_id DESC",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, kind.storedName());
                    dialect.bindList(s, 3, values);
                }, JdbcBindings::historyEntry)
                .forEach(entry -> found.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry)));
        return found;
    }

    @Override
    public List<HistoryEntry> historyOf(String accountId, String guid) {
        return sql.query("SELECT " + HISTORY_COLUMNS + " FROM identity_bindings WHERE account_id = ? AND guid = ?"
                        + " ORDER BY started_at DESC, binding_id DESC",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, guid);
                }, JdbcBindings::historyEntry);
    }

    private static final String HISTORY_COLUMNS = "guid, kind, value, started_at, ended_at, start_reason, end_reason,"
            + " started_request, started_by, ended_request, ended_by";

    private static HistoryEntry historyEntry(ResultSet row) throws SQLException {
        IdentityKey key = new IdentityKey(IdentityKind.fromStoredName(row.getString(2)), row.getString(3));
        long ended = row.getLong(5);
        Optional<Long> to = row.wasNull() ? Optional.empty() : Optional.of(ended);
        return new HistoryEntry(Optional.ofNullable(row.getString(1)), key, row.getLong(4), to,
                BindingReason.fromStoredName(row.getString(6)),
                Optional.ofNullable(row.getString(7)).map(BindingReason::fromStoredName), stamp(row, 8), stamp(row, 10));
    }

    private static @Nullable String requestId(Optional<Stamp> stamp) {
        return stamp.map(Stamp::requestId).orElse(null);
    }

    private static @Nullable String by(Optional<Stamp> stamp) {
        return stamp.map(Stamp::by).orElse(null);
    }

    /** The request id and actor in these two columns; none for a binding older than the audit trail. */
    private static Optional<Stamp> stamp(ResultSet row, int column) throws SQLException {
        String requestId = row.getString(column);
        String by = row.getString(column + 1);
        return requestId == null || by == null ? Optional.empty() : Optional.of(new Stamp(requestId, by));
    }

    @Override
    public void insert(String accountId, Collection<NewBinding> bindings, Optional<Stamp> stamp) {
        sql.batch("INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at, start_reason,"
                + " ended_at, end_reason, started_request, started_by, ended_request, ended_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", bindings, (s, b) -> {
                    s.setString(1, accountId);
                    s.setString(2, b.bindingId());
                    s.setString(3, b.key().kind().storedName());
                    s.setString(4, b.key().value());
                    s.setString(5, b.guid());
                    s.setLong(6, b.startedAt());
                    s.setString(7, b.reason().storedName());
                    s.setObject(8, b.endedAt().orElse(null), Types.BIGINT);
                    s.setString(9, b.endReason().map(BindingReason::storedName).orElse(null));
                    s.setString(10, requestId(stamp));
                    s.setString(11, by(stamp));
                    s.setString(12, b.endedAt().isPresent() ? requestId(stamp) : null);
                    s.setString(13, b.endedAt().isPresent() ? by(stamp) : null);
                });
    }

    /**
     * The caller has read these bindings in the same transaction, after locking their keys; fewer rows ended than
     * keys named means the state it decided on is gone (a key it did not lock), so the transaction fails as a
     * conflict and runs again.
     */
    @Override
    public void endActive(String accountId, Collection<IdentityKey> keys, long at, BindingReason reason,
                          Optional<Stamp> stamp) {
        Dialect dialect = sql.dialect();
        valuesByKind(keys).forEach((kind, values) -> {
            int ended = sql.update("UPDATE identity_bindings SET ended_at = " + sql.endTime() + ", end_reason = ?,"
                            + " ended_request = ?, ended_by = ?"
                            + " WHERE account_id = ? AND kind = ? AND " + dialect.inList("value")
                            + " AND ended_at IS NULL",
                    s -> {
                        s.setLong(1, at);
                        s.setString(2, reason.storedName());
                        s.setString(3, requestId(stamp));
                        s.setString(4, by(stamp));
                        s.setString(5, accountId);
                        s.setString(6, kind.storedName());
                        dialect.bindList(s, 7, values);
                    });
            if (ended != values.size()) {
                throw new StorageException("ended " + ended + " of " + values.size() + " active " + kind.storedName()
                        + " bindings", new SQLException("the bindings read earlier in the transaction changed",
                        Dialect.CONFLICT_STATE));
            }
        });
    }

    @Override
    public void forgetProfiles(String accountId, Collection<String> guids, long at, Optional<Stamp> stamp) {
        if (guids.isEmpty()) {
            return;
        }
        sql.update("UPDATE identity_bindings SET guid = NULL,"
                + " end_reason = CASE WHEN ended_at IS NULL THEN ? ELSE end_reason END,"
                + " ended_request = CASE WHEN ended_at IS NULL THEN ? ELSE ended_request END,"
                + " ended_by = CASE WHEN ended_at IS NULL THEN ? ELSE ended_by END,"
                + " ended_at = CASE WHEN ended_at IS NULL THEN " + sql.endTime()
                + " ELSE ended_at END WHERE account_id = ? AND " + sql.dialect().inList("guid"), s -> {
                    s.setString(1, BindingReason.DELETED.storedName());
                    s.setString(2, requestId(stamp));
                    s.setString(3, by(stamp));
                    s.setLong(4, at);
                    s.setString(5, accountId);
                    sql.dialect().bindList(s, 6, guids);
                });
    }
}
