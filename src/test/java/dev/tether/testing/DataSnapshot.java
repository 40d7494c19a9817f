package dev.tether.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Every data row of every table, in key order, read over plain JDBC: what "nothing was written" is checked on. A
 * passcode's last day of use is left out: authentication notes it, and a refused request may be the day's first. The
 * audit trail is left out too unless asked for: a request whose every record was refused still leaves its entry
 * (docs/API.md section 20), and a replay leaves one marked so.
 */
public final class DataSnapshot {
    private static final String[] TABLES = {
        "accounts ORDER BY account_id",
        "profiles ORDER BY account_id, guid",
        "identity_bindings ORDER BY account_id, binding_id",
        "events ORDER BY account_id, guid, event_id",
        "profile_merges ORDER BY account_id, merge_id",
        "subscriptions ORDER BY account_id, kind, value",
        "idempotency_keys ORDER BY account_id, idempotency_key",
    };

    private DataSnapshot() {
    }

    public static List<String> of(String jdbcUrl) {
        return read(jdbcUrl, false);
    }

    /** The data and the audit trail: for requests refused before their unit of work, which leave no entry. */
    public static List<String> withAuditTrail(String jdbcUrl) {
        return read(jdbcUrl, true);
    }

    private static List<String> read(String jdbcUrl, boolean auditTrail) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement()) {
            if (auditTrail) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM audit_entries"
                        + " ORDER BY account_id, at, entry_id")) {
                    rows.addAll(rows("audit_entries", rs));
                }
            }
            for (String table : TABLES) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
                    rows.addAll(rows(table, rs));
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT account_id, passcode_hash, hint, name, scopes,"
                    + " created_at, expires_at, revoked_at FROM passcodes ORDER BY account_id, passcode_hash")) {
                rows.addAll(rows("passcodes", rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + jdbcUrl, e);
        }
        return rows;
    }

    private static List<String> rows(String table, ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            StringBuilder row = new StringBuilder(table.split(" ")[0]).append(':');
            for (int i = 1; i <= columns; i++) {
                row.append(rs.getString(i)).append('|');
            }
            rows.add(row.toString());
        }
        return rows;
    }
}
