package dev.tether.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared statements kept open on each physical connection, for a backend whose driver keeps none
 * ({@link Dialect#driverKeepsPreparedStatements()}: SQLite). Preparing the profile read costs SQLite about as much as
 * running it (about 220 µs of 500 µs on a database of a million profiles), and every read prepared it again.
 * Statements are prepared on the connection under the pool's proxy, which would close them when the connection goes
 * back to the pool; at most {@value #PER_CONNECTION} a connection, the least recently used closed first. A statement
 * is reset when its rows are closed, so it holds no snapshot between runs. A connection is used by one thread at a
 * time, so its own statements need no lock. The connections the pool has closed (at their lifetime, idle, evicted)
 * are forgotten whenever another one is first seen: their statements hold them, so nothing weaker would let them go.
 */
final class StatementCache {
    static final int PER_CONNECTION = 64;

    private final Map<Connection, Map<String, PreparedStatement>> byConnection = new ConcurrentHashMap<>();

    /** An open statement of this SQL on the connection, its parameters cleared; the caller must not close it. */
    PreparedStatement prepare(Connection pooled, String sql) throws SQLException {
        Connection physical = pooled.unwrap(Connection.class);
        Map<String, PreparedStatement> statements = byConnection.get(physical);
        if (statements == null) {
            forgetClosedConnections();
            statements = lru();
            byConnection.put(physical, statements);
        }
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
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
            // the connection is broken; the pool replaces it, and it is forgotten here with the next new one
        }
    }

    /** The connections statements are kept for (the pool's open ones, and those closed since the last new one). */
    int connections() {
        return byConnection.size();
    }

    private void forgetClosedConnections() {
        byConnection.keySet().removeIf(connection -> {
            try {
                return connection.isClosed();
            } catch (SQLException e) {
                return true;
            }
        });
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
