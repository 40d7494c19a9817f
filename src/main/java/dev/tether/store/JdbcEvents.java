package dev.tether.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
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
    public Map<String, Map<String, EventStats>> stats(String accountId, Collection<String> guids) {
        Map<String, Map<String, EventStats>> stats = new LinkedHashMap<>();
        if (guids.isEmpty()) {
            return stats;
        }
        sql.query("SELECT guid, evt_name, COUNT(*), MIN(ts), MAX(ts) FROM events WHERE account_id = ? AND "
                        + sql.dialect().inList("guid") + " GROUP BY guid, evt_name ORDER BY guid, evt_name",
                s -> {
                    s.setString(1, accountId);
                    sql.dialect().bindList(s, 2, guids);
                }, row -> new NamedStats(row.getString(1), row.getString(2),
                        new EventStats(row.getLong(3), row.getLong(4), row.getLong(5))))
                .forEach(row -> stats.computeIfAbsent(row.guid(), g -> new LinkedHashMap<>()).put(row.name(),
                        row.stats()));
        return stats;
    }

    @Override
    public void page(String accountId, EventRange range, long afterTs, String afterEventId, int limit,
                     Consumer<ExportedEvent> sink) {
        sql.stream("SELECT guid, event_id, ts, data FROM events WHERE account_id = ? AND evt_name = ?"
                        + " AND ts >= ? AND ts < ? AND (ts, event_id) > (?, ?) ORDER BY ts, event_id LIMIT ?",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, range.eventName());
                    s.setLong(3, range.from());
                    s.setLong(4, range.until());
                    s.setLong(5, afterTs);
                    s.setString(6, afterEventId);
                    s.setInt(7, limit);
                }, row -> new ExportedEvent(row.getString(1), row.getString(2), range.eventName(), row.getLong(3),
                        row.getString(4)), sink);
    }

    @Override
    public long count(String accountId, EventRange range) {
        return countOf("COUNT(*)", accountId, range);
    }

    @Override
    public long countProfiles(String accountId, EventRange range) {
        return countOf("COUNT(DISTINCT guid)", accountId, range);
    }

    private long countOf(String what, String accountId, EventRange range) {
        return sql.query("SELECT " + what + " FROM events WHERE account_id = ? AND evt_name = ? AND ts >= ?"
                        + " AND ts < ?",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, range.eventName());
                    s.setLong(3, range.from());
                    s.setLong(4, range.until());
                }, row -> row.getLong(1)).get(0);
    }

    private record NamedStats(String guid, String name, EventStats stats) {
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
    public void giveBack(String accountId, String from, Collection<String> restored) {
        if (restored.isEmpty()) {
            return;
        }
        sql.update("UPDATE events SET guid = arrived_as WHERE account_id = ? AND guid = ? AND "
                + sql.dialect().inList("arrived_as"), s -> {
                    s.setString(1, accountId);
                    s.setString(2, from);
                    sql.dialect().bindList(s, 3, restored);
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
