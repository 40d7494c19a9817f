package dev.tether.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every data row of every table, in key order, read over plain JDBC: what "nothing was written" is checked on. */
public final class DataSnapshot {
    private static final String[] TABLES = {
        "accounts ORDER BY account_id",
        "passcodes ORDER BY account_id, passcode_hash",
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
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table.split(" ")[0]).append(':');
                        for (int i = 1; i <= columns; i++) {
                            row.append(rs.getString(i)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + jdbcUrl, e);
        }
        return rows;
    }
}
