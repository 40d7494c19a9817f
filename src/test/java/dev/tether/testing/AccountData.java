package dev.tether.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one account holds, without what differs between two runs of the same requests (GUIDs, times, ids): its
 * bindings (kind, value, reasons, and whether a profile still holds them), events (name, data), profiles
 * (properties, merged or not), subscriptions and merges, sorted. Two accounts that got the same writes hold the
 * same data.
 */
public final class AccountData {
    private static final String[] QUERIES = {
        "SELECT 'binding ' || kind || ' ' || value || ' ' || start_reason || ' ' || COALESCE(end_reason, 'active')"
                + " || CASE WHEN guid IS NULL THEN ' forgotten' ELSE '' END FROM identity_bindings WHERE account_id = ?",
        "SELECT 'event ' || evt_name || ' ' || data FROM events WHERE account_id = ?",
        "SELECT 'profile ' || properties || CASE WHEN merged_into IS NULL THEN '' ELSE ' merged' END FROM profiles"
                + " WHERE account_id = ?",
        "SELECT 'subscription ' || kind || ' ' || value || ' ' || status FROM subscriptions WHERE account_id = ?",
        "SELECT 'merge ' || copied_keys FROM profile_merges WHERE account_id = ?",
    };

    private AccountData() {
    }

    public static List<String> of(String jdbcUrl, String accountId) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            for (String query : QUERIES) {
                try (PreparedStatement statement = connection.prepareStatement(query)) {
                    statement.setString(1, accountId);
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            rows.add(result.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        rows.sort(String::compareTo);
        return rows;
    }
}
