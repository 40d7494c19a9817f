package dev.tether.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.account.Account;
import dev.tether.account.BlockedValues;
import dev.tether.account.ConflictPolicy;
import dev.tether.account.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The SQL of accounts and passcodes. */
final class JdbcAccounts implements AccountWrites {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "account_id, name, region, email_is_identity, phone_is_identity,"
            + " conflict_policy, created_at, blocked_values, max_merges_per_day";

    private final Sql sql;

    JdbcAccounts(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Optional<Account> find(String accountId) {
        return sql.query("SELECT " + COLUMNS + " FROM accounts WHERE account_id = ?",
                s -> s.setString(1, accountId), JdbcAccounts::account).stream().findFirst();
    }

    @Override
    public Optional<Account> lockShared(String accountId) {
        return sql.query("SELECT " + COLUMNS + " FROM accounts WHERE account_id = ?" + sql.lockRowShared(),
                s -> s.setString(1, accountId), JdbcAccounts::account).stream().findFirst();
    }

    @Override
    public Optional<Account> lockAlone(String accountId) {
        return sql.query("SELECT " + COLUMNS + " FROM accounts WHERE account_id = ?" + sql.lockRows(),
                s -> s.setString(1, accountId), JdbcAccounts::account).stream().findFirst();
    }

    @Override
    public List<Account> list() {
        return sql.query("SELECT " + COLUMNS + " FROM accounts ORDER BY created_at, account_id",
                s -> { }, JdbcAccounts::account);
    }

    private static Account account(ResultSet row) throws SQLException {
        return new Account(row.getString(1), row.getString(2), row.getString(3), row.getBoolean(4),
                row.getBoolean(5), ConflictPolicy.fromStoredName(row.getString(6)), row.getLong(7),
                blockedValues(row.getString(8)), row.getInt(9));
    }

    /** NULL: the defaults; else the account's own list as a JSON array. */
    private static BlockedValues blockedValues(@Nullable String stored) throws SQLException {
        if (stored == null) {
            return BlockedValues.defaults();
        }
        try {
            return new BlockedValues(Optional.of(List.of(JSON.readValue(stored, String[].class))));
        } catch (JsonProcessingException e) {
            throw new SQLException("blocked_values is not a JSON array of strings: " + stored, e);
        }
    }

    private static @Nullable String stored(BlockedValues values) {
        try {
            return values.own().isEmpty() ? null : JSON.writeValueAsString(values.own().get());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<AccountCredentials> credentials(String accountId) {
        List<Map.Entry<Account, Optional<AccountCredentials.Credential>>> rows = sql.query("SELECT a.account_id,"
                        + " a.name, a.region, a.email_is_identity, a.phone_is_identity, a.conflict_policy, a.created_at,"
                        + " a.blocked_values, a.max_merges_per_day, p.passcode_hash, p.name, p.scopes, p.expires_at,"
                        + " p.last_used_at"
                        + " FROM accounts a LEFT JOIN passcodes p ON p.account_id = a.account_id AND p.revoked_at IS NULL"
                        + " WHERE a.account_id = " + Sql.TEXT,
                s -> s.setString(1, accountId),
                row -> Map.entry(account(row), row.getString(10) == null ? Optional.empty()
                        : Optional.of(new AccountCredentials.Credential(row.getString(10), row.getString(11),
                                Scope.parse(row.getString(12)), optionalLong(row, 13), optionalLong(row, 14)))));
        return rows.stream().findFirst().map(first -> new AccountCredentials(first.getKey(),
                rows.stream().flatMap(r -> r.getValue().stream()).toList()));
    }

    private static Optional<Long> optionalLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public List<PasscodeEntry> passcodes(String accountId) {
        return sql.query("SELECT hint, name, scopes, created_at, expires_at, last_used_at, revoked_at FROM passcodes"
                        + " WHERE account_id = ? ORDER BY created_at, hint",
                s -> s.setString(1, accountId), row -> new PasscodeEntry(row.getString(1), row.getString(2),
                        Scope.parse(row.getString(3)), row.getLong(4), optionalLong(row, 5), optionalLong(row, 6),
                        optionalLong(row, 7)));
    }

    @Override
    public void insert(Account a) {
        sql.update("INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, a.id());
            s.setString(2, a.name());
            s.setString(3, a.region());
            s.setBoolean(4, a.emailIsIdentity());
            s.setBoolean(5, a.phoneIsIdentity());
            s.setString(6, a.conflictPolicy().storedName());
            s.setLong(7, a.createdAt());
            s.setString(8, stored(a.blockedValues()));
            s.setInt(9, a.maxMergesPerDay());
        });
    }

    @Override
    public void update(Account a) {
        sql.update("UPDATE accounts SET name = ?, email_is_identity = ?, phone_is_identity = ?, conflict_policy = ?,"
                + " blocked_values = ?, max_merges_per_day = ? WHERE account_id = ?", s -> {
                    s.setString(1, a.name());
                    s.setBoolean(2, a.emailIsIdentity());
                    s.setBoolean(3, a.phoneIsIdentity());
                    s.setString(4, a.conflictPolicy().storedName());
                    s.setString(5, stored(a.blockedValues()));
                    s.setInt(6, a.maxMergesPerDay());
                    s.setString(7, a.id());
                });
    }

    @Override
    public void insertPasscode(String accountId, String passcodeHash, PasscodeEntry entry) {
        sql.update("INSERT INTO passcodes (account_id, passcode_hash, hint, name, scopes, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
                    s.setString(1, accountId);
                    s.setString(2, passcodeHash);
                    s.setString(3, entry.hint());
                    s.setString(4, entry.name());
                    s.setString(5, Scope.written(entry.scopes()));
                    s.setLong(6, entry.createdAt());
                    s.setObject(7, entry.expiresAt().orElse(null), Types.BIGINT);
                });
    }

    @Override
    public void markUsed(String accountId, String passcodeHash, long day) {
        sql.update("UPDATE passcodes SET last_used_at = ? WHERE account_id = ? AND passcode_hash = ?"
                + " AND (last_used_at IS NULL OR last_used_at < ?)", s -> {
                    s.setLong(1, day);
                    s.setString(2, accountId);
                    s.setString(3, passcodeHash);
                    s.setLong(4, day);
                });
    }

    @Override
    public int revokePasscodesByHint(String accountId, String hint, long at) {
        return sql.update("UPDATE passcodes SET revoked_at = ? WHERE account_id = ? AND hint = ? AND revoked_at IS NULL",
                s -> {
                    s.setLong(1, at);
                    s.setString(2, accountId);
                    s.setString(3, hint);
                });
    }

    @Override
    public boolean revokePasscode(String accountId, String passcodeHash, long at) {
        return sql.update("UPDATE passcodes SET revoked_at = ? WHERE account_id = ? AND passcode_hash = ?"
                + " AND revoked_at IS NULL", s -> {
                    s.setLong(1, at);
                    s.setString(2, accountId);
                    s.setString(3, passcodeHash);
                }) > 0;
    }

    @Override
    public String sharedKey(String name, String candidate, long at) {
        sql.update("INSERT INTO server_keys (name, key_value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                s -> {
                    s.setString(1, name);
                    s.setString(2, candidate);
                    s.setLong(3, at);
                });
        return sql.query("SELECT key_value FROM server_keys WHERE name = ?", s -> s.setString(1, name),
                row -> row.getString(1)).get(0);
    }
}
