package dev.tether.store;

import dev.tether.account.Account;
import dev.tether.account.ConflictPolicy;
import dev.tether.identity.BindingReason;
import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** One transaction on one connection. All SQL of the store is here; the dialect fills in what differs. */
final class JdbcTx implements WriteTx {
    private static final String ACCOUNT_COLUMNS =
            "account_id, name, region, email_is_identity, phone_is_identity, conflict_policy, created_at";
    private static final String BINDING_COLUMNS = "binding_id, kind, value, guid, started_at";

    private final Connection connection;
    private final Dialect dialect;
    private final boolean writable;
    private final AtomicLong statements;

    JdbcTx(Connection connection, Dialect dialect, boolean writable, AtomicLong statements) {
        this.connection = connection;
        this.dialect = dialect;
        this.writable = writable;
        this.statements = statements;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowReader<T> reader) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<T> rows = new ArrayList<>();
            statements.incrementAndGet();
            try (ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    rows.add(reader.read(resultSet));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StorageException("query failed: " + sql, e);
        }
    }

    private int update(String sql, Binder binder) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            statements.incrementAndGet();
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("update failed: " + sql, e);
        }
    }

    private <T> void batch(String sql, Collection<T> items, ItemBinder<T> binder) {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (T item : items) {
                binder.bind(statement, item);
                statement.addBatch();
            }
            statements.incrementAndGet();
            statement.executeBatch();
        } catch (SQLException e) {
            SQLException cause = e.getNextException() != null && dialect.isConflict(e.getNextException())
                    ? e.getNextException() : e;
            throw new StorageException("batch failed: " + sql, cause);
        }
    }

    @FunctionalInterface
    private interface ItemBinder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    // ---- accounts and passcodes

    @Override
    public Optional<Account> findAccount(String accountId) {
        return query("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE account_id = ?",
                s -> s.setString(1, accountId), JdbcTx::account).stream().findFirst();
    }

    @Override
    public List<Account> listAccounts() {
        return query("SELECT " + ACCOUNT_COLUMNS + " FROM accounts ORDER BY created_at, account_id",
                s -> { }, JdbcTx::account);
    }

    private static Account account(ResultSet row) throws SQLException {
        return new Account(row.getString(1), row.getString(2), row.getString(3), row.getBoolean(4),
                row.getBoolean(5), ConflictPolicy.fromStoredName(row.getString(6)), row.getLong(7));
    }

    @Override
    public Optional<AccountCredentials> credentials(String accountId) {
        List<Map.Entry<Account, Optional<String>>> rows = query("SELECT a.account_id, a.name, a.region,"
                        + " a.email_is_identity, a.phone_is_identity, a.conflict_policy, a.created_at, p.passcode_hash"
                        + " FROM accounts a LEFT JOIN passcodes p ON p.account_id = a.account_id AND p.revoked_at IS NULL"
                        + " WHERE a.account_id = ?",
                s -> s.setString(1, accountId),
                row -> Map.entry(account(row), Optional.ofNullable(row.getString(8))));
        return rows.stream().findFirst().map(first -> new AccountCredentials(first.getKey(),
                rows.stream().flatMap(r -> r.getValue().stream()).toList()));
    }

    @Override
    public void insertAccount(Account a) {
        update("INSERT INTO accounts (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, a.id());
            s.setString(2, a.name());
            s.setString(3, a.region());
            s.setBoolean(4, a.emailIsIdentity());
            s.setBoolean(5, a.phoneIsIdentity());
            s.setString(6, a.conflictPolicy().storedName());
            s.setLong(7, a.createdAt());
        });
    }

    @Override
    public void insertPasscode(String accountId, String passcodeHash, String hint, long at) {
        update("INSERT INTO passcodes (account_id, passcode_hash, hint, created_at) VALUES (?, ?, ?, ?)", s -> {
            s.setString(1, accountId);
            s.setString(2, passcodeHash);
            s.setString(3, hint);
            s.setLong(4, at);
        });
    }

    @Override
    public boolean revokePasscode(String accountId, String passcodeHash, long at) {
        return update("UPDATE passcodes SET revoked_at = ? WHERE account_id = ? AND passcode_hash = ?"
                + " AND revoked_at IS NULL", s -> {
                    s.setLong(1, at);
                    s.setString(2, accountId);
                    s.setString(3, passcodeHash);
                }) > 0;
    }

    // ---- identity bindings

    /** Values grouped by kind, kinds in one fixed order: every writer takes row locks in the same order. */
    private static Map<IdentityKind, List<String>> valuesByKind(Collection<IdentityKey> keys) {
        return keys.stream().distinct().collect(Collectors.groupingBy(IdentityKey::kind,
                () -> new EnumMap<>(IdentityKind.class), Collectors.mapping(IdentityKey::value, Collectors.toList())));
    }

    @Override
    public Map<IdentityKey, ActiveBinding> activeBindings(String accountId, Collection<IdentityKey> keys) {
        Map<IdentityKey, ActiveBinding> found = new HashMap<>();
        valuesByKind(keys).forEach((kind, values) -> query("SELECT " + BINDING_COLUMNS + " FROM identity_bindings"
                        + " WHERE account_id = ? AND kind = ? AND " + dialect.inList("value") + " AND ended_at IS NULL"
                        + " ORDER BY value" + (writable ? dialect.lockRows() : ""),
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, kind.storedName());
                    dialect.bindList(s, 3, values);
                }, JdbcTx::activeBinding).forEach(b -> found.put(b.key(), b)));
        return found;
    }

    @Override
    public List<ActiveBinding> activeBindingsOf(String accountId, Collection<String> guids) {
        if (guids.isEmpty()) {
            return List.of();
        }
        return query("SELECT " + BINDING_COLUMNS + " FROM identity_bindings WHERE account_id = ? AND "
                        + dialect.inList("guid") + " AND ended_at IS NULL ORDER BY started_at, binding_id",
                s -> {
                    s.setString(1, accountId);
                    dialect.bindList(s, 2, guids);
                }, JdbcTx::activeBinding);
    }

    private static ActiveBinding activeBinding(ResultSet row) throws SQLException {
        IdentityKey key = new IdentityKey(IdentityKind.fromStoredName(row.getString(2)), row.getString(3));
        return new ActiveBinding(row.getString(1), key, row.getString(4), row.getLong(5));
    }

    @Override
    public void insertBindings(String accountId, Collection<NewBinding> bindings) {
        batch("INSERT INTO identity_bindings (account_id, binding_id, kind, value, guid, started_at, start_reason,"
                + " ended_at, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", bindings, (s, b) -> {
                    s.setString(1, accountId);
                    s.setString(2, b.bindingId());
                    s.setString(3, b.key().kind().storedName());
                    s.setString(4, b.key().value());
                    s.setString(5, b.guid());
                    s.setLong(6, b.startedAt());
                    s.setString(7, b.reason().storedName());
                    s.setObject(8, b.endedAt().orElse(null), Types.BIGINT);
                    s.setString(9, b.endReason().map(BindingReason::storedName).orElse(null));
                });
    }

    /**
     * The end time of a binding, bound as one parameter: never before its start, so a history interval never runs
     * backwards when clocks of several servers disagree (DECISIONS.md, "Time in the identity history").
     */
    private String endTime() {
        return dialect.greatest("?", "started_at");
    }

    @Override
    public void endBindings(String accountId, Collection<EndedBinding> bindings) {
        batch("UPDATE identity_bindings SET ended_at = " + endTime() + ", end_reason = ?"
                + " WHERE account_id = ? AND binding_id = ? AND ended_at IS NULL", bindings, (s, b) -> {
                    s.setLong(1, b.endedAt());
                    s.setString(2, b.reason().storedName());
                    s.setString(3, accountId);
                    s.setString(4, b.bindingId());
                });
    }

    @Override
    public void endActiveBindings(String accountId, Collection<IdentityKey> keys, long at, BindingReason reason) {
        valuesByKind(keys).forEach((kind, values) -> update("UPDATE identity_bindings SET ended_at = " + endTime()
                        + ", end_reason = ? WHERE account_id = ? AND kind = ? AND " + dialect.inList("value")
                        + " AND ended_at IS NULL",
                s -> {
                    s.setLong(1, at);
                    s.setString(2, reason.storedName());
                    s.setString(3, accountId);
                    s.setString(4, kind.storedName());
                    dialect.bindList(s, 5, values);
                }));
    }

    @Override
    public List<HistoryEntry> history(String accountId, IdentityKey key) {
        return query("SELECT guid, started_at, ended_at, start_reason, end_reason FROM identity_bindings"
                        + " WHERE account_id = ? AND kind = ? AND value = ? ORDER BY started_at DESC, binding_id DESC",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, key.kind().storedName());
                    s.setString(3, key.value());
                }, row -> {
                    long ended = row.getLong(3);
                    Optional<Long> to = row.wasNull() ? Optional.empty() : Optional.of(ended);
                    return new HistoryEntry(Optional.ofNullable(row.getString(1)), key, row.getLong(2), to,
                            BindingReason.fromStoredName(row.getString(4)),
                            Optional.ofNullable(row.getString(5)).map(BindingReason::fromStoredName));
                });
    }

    @Override
    public List<String> profilesMergedInto(String accountId, Collection<String> guids) {
        if (guids.isEmpty()) {
            return List.of();
        }
        return query("SELECT guid FROM profiles WHERE account_id = ? AND " + dialect.inList("merged_into")
                        + " ORDER BY guid" + (writable ? dialect.lockRows() : ""),
                s -> {
                    s.setString(1, accountId);
                    dialect.bindList(s, 2, guids);
                }, row -> row.getString(1));
    }

    @Override
    public void deleteProfiles(String accountId, Collection<String> guids, long at) {
        if (guids.isEmpty()) {
            return;
        }
        update("UPDATE identity_bindings SET guid = NULL,"
                + " end_reason = CASE WHEN ended_at IS NULL THEN ? ELSE end_reason END,"
                + " ended_at = CASE WHEN ended_at IS NULL THEN " + endTime()
                + " ELSE ended_at END WHERE account_id = ? AND " + dialect.inList("guid"), s -> {
                    s.setString(1, BindingReason.DELETED.storedName());
                    s.setLong(2, at);
                    s.setString(3, accountId);
                    dialect.bindList(s, 4, guids);
                });
        for (String table : List.of("events", "profiles")) {
            update("DELETE FROM " + table + " WHERE account_id = ? AND " + dialect.inList("guid"), s -> {
                s.setString(1, accountId);
                dialect.bindList(s, 2, guids);
            });
        }
    }

    // ---- invariants

    private static final String NO_END = "9223372036854775807";

    @Override
    public List<InvariantViolation> invariantViolations(int limit) {
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
            String property = dialect.propertyText("p.properties", kind.propertyKey());
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
        check(found, InvariantViolation.Invariant.EVENT_HAS_PROFILE,
                "SELECT e.account_id, COUNT(*) || ' events of ' || e.guid || CASE WHEN p.guid IS NULL"
                        + " THEN ', which does not exist' ELSE ', which was merged into ' || p.merged_into END"
                        + " FROM events e LEFT JOIN profiles p ON p.account_id = e.account_id AND p.guid = e.guid"
                        + " WHERE p.guid IS NULL OR p.merged_into IS NOT NULL"
                        + " GROUP BY e.account_id, e.guid, p.guid, p.merged_into", limit);
        return found;
    }

    private void check(List<InvariantViolation> found, InvariantViolation.Invariant invariant, String sql, int limit) {
        found.addAll(query(sql + " LIMIT " + limit, s -> { },
                row -> new InvariantViolation(invariant, row.getString(1), row.getString(2))));
    }

    // ---- profiles and events

    @Override
    public Map<String, StoredProfile> findProfiles(String accountId, Collection<String> guids) {
        if (guids.isEmpty()) {
            return Map.of();
        }
        Map<String, StoredProfile> found = new LinkedHashMap<>();
        query("SELECT guid, properties, created_at, updated_at, merged_into FROM profiles WHERE account_id = ? AND "
                        + dialect.inList("guid") + " ORDER BY guid" + (writable ? dialect.lockRows() : ""),
                s -> {
                    s.setString(1, accountId);
                    dialect.bindList(s, 2, guids);
                }, row -> new StoredProfile(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
                        Optional.ofNullable(row.getString(5))))
                .forEach(p -> found.put(p.guid(), p));
        return found;
    }

    @Override
    public void insertProfiles(String accountId, Collection<StoredProfile> profiles) {
        batch("INSERT INTO profiles (account_id, guid, properties, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                profiles, (s, p) -> {
                    s.setString(1, accountId);
                    s.setString(2, p.guid());
                    s.setString(3, p.propertiesJson());
                    s.setLong(4, p.createdAt());
                    s.setLong(5, p.updatedAt());
                });
    }

    @Override
    public void updateProfiles(String accountId, Collection<StoredProfile> profiles) {
        batch("UPDATE profiles SET properties = ?, updated_at = ? WHERE account_id = ? AND guid = ?",
                profiles, (s, p) -> {
                    s.setString(1, p.propertiesJson());
                    s.setLong(2, p.updatedAt());
                    s.setString(3, accountId);
                    s.setString(4, p.guid());
                });
    }

    @Override
    public void removeProperty(String accountId, Collection<String> guids, String key, long at) {
        if (guids.isEmpty()) {
            return;
        }
        update("UPDATE profiles SET properties = " + dialect.propertiesWithoutKey() + ", updated_at = ?"
                + " WHERE account_id = ? AND " + dialect.inList("guid"), s -> {
                    s.setString(1, dialect.propertyArgument(key));
                    s.setLong(2, at);
                    s.setString(3, accountId);
                    dialect.bindList(s, 4, guids);
                });
    }

    @Override
    public void markMerged(String accountId, String guid, String intoGuid, long at) {
        update("UPDATE profiles SET merged_into = ?, updated_at = ? WHERE account_id = ? AND guid = ?", s -> {
            s.setString(1, intoGuid);
            s.setLong(2, at);
            s.setString(3, accountId);
            s.setString(4, guid);
        });
    }

    @Override
    public void insertEvents(String accountId, Collection<NewEvent> events) {
        batch("INSERT INTO events (account_id, guid, event_id, evt_name, ts, data) VALUES (?, ?, ?, ?, ?, ?)",
                events, (s, e) -> {
                    s.setString(1, accountId);
                    s.setString(2, e.guid());
                    s.setString(3, e.eventId());
                    s.setString(4, e.name());
                    s.setLong(5, e.ts());
                    s.setString(6, e.dataJson());
                });
    }

    @Override
    public void moveEvents(String accountId, String fromGuid, String toGuid) {
        update("UPDATE events SET guid = ? WHERE account_id = ? AND guid = ?", s -> {
            s.setString(1, toGuid);
            s.setString(2, accountId);
            s.setString(3, fromGuid);
        });
    }

    @Override
    public Map<String, EventStats> eventStats(String accountId, String guid) {
        Map<String, EventStats> stats = new LinkedHashMap<>();
        query("SELECT evt_name, COUNT(*), MIN(ts), MAX(ts) FROM events WHERE account_id = ? AND guid = ?"
                        + " GROUP BY evt_name ORDER BY evt_name",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, guid);
                }, row -> Map.entry(row.getString(1), new EventStats(row.getLong(2), row.getLong(3), row.getLong(4))))
                .forEach(e -> stats.put(e.getKey(), e.getValue()));
        return stats;
    }
}
