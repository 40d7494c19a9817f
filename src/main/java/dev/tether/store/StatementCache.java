package dev.tether.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Prepared statements kept open on each physical connection, for a backend whose driver keeps none
 * ({@link Dialect#keepsPreparedStatements()}: SQLite). Preparing the profile read costs SQLite about as much as
 * running it (about 220 µs of 500 µs on a database of a million profiles), and every read prepared it again.
 * Statements are prepared on the connection under the pool's proxy, which would close them when the connection goes
 * back to the pool; at most {@value #PER_CONNECTION} a connection, the least recently used closed first. A connection
 * is used by one thread at a time, so its own statements need no lock; the map of connections does.
 */
final class StatementCache {
    static final int PER_CONNECTION = 64;

    private final Map<Connection, Map<String, PreparedStatement>> byConnection =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** An open statement of this SQL on the connection, its parameters cleared; the caller must not close it. */
    PreparedStatement prepare(Connection pooled, String sql) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Map<String, PreparedStatement> statements = byConnection.computeIfAbsent(physical, c -> lru());
        PreparedStatement statement = statements.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = physical.prepareStatement(sql);
            statements.put(sql, statement);
        } else {
            statement.clearParameters();
        }
        return statement;
    }

    /** Closes and forgets a statement whose run failed, so that the next run prepares it afresh. */
    void discard(Connection pooled, String sql) {
        try {
            Map<String, PreparedStatement> statements = byConnection.get(pooled.unwrap(Connection.class));
            PreparedStatement statement = statements == null ? null : statements.remove(sql);
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool replaces it, and its statements go with it
        }
    }

    private static Map<String, PreparedStatement> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= PER_CONNECTION) {
                    return false;
                }
                try {
                    eldest.getValue().close();
                } catch (SQLException ignored) {
                    // closing a statement of a SQLite connection frees it; nothing to tell anyone
                }
                return true;
            }
        };
    }
}
