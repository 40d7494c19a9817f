package dev.tether.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The SQL of events. */
final class JdbcEvents implements EventWrites {
    private final Sql sql;

    JdbcEvents(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Map<String, EventStats> stats(String accountId, String guid) {
        Map<String, EventStats> stats = new LinkedHashMap<>();
        sql.query("SELECT evt_name, COUNT(*), MIN(ts), MAX(ts) FROM events WHERE account_id = ? AND guid = ?"
                        + " GROUP BY evt_name ORDER BY evt_name",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, guid);
                }, row -> Map.entry(row.getString(1), new EventStats(row.getLong(2), row.getLong(3), row.getLong(4))))
                .forEach(e -> stats.put(e.getKey(), e.getValue()));
        return stats;
    }

    @Override
    public void insert(String accountId, Collection<NewEvent> events) {
        sql.batch("INSERT INTO events (account_id, guid, event_id, arrived_as, evt_name, ts, data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", events, (s, e) -> {
                    s.setString(1, accountId);
                    s.setString(2, e.guid());
                    s.setString(3, e.eventId());
                    s.setString(4, e.arrivedAs());
                    s.setString(5, e.name());
                    s.setLong(6, e.ts());
                    s.setString(7, e.dataJson());
                });
    }

    @Override
    public void move(String accountId, String fromGuid, String toGuid) {
        sql.update("UPDATE events SET arrived_as = COALESCE(arrived_as, guid), guid = ? WHERE account_id = ? AND guid = ?", s -> {
            s.setString(1, toGuid);
            s.setString(2, accountId);
            s.setString(3, fromGuid);
        });
    }

    @Override
    public void delete(String accountId, Collection<String> guids) {
        if (guids.isEmpty()) {
            return;
        }
        sql.update("DELETE FROM events WHERE account_id = ? AND " + sql.dialect().inList("guid"), s -> {
            s.setString(1, accountId);
            sql.dialect().bindList(s, 2, guids);
        });
    }
}
