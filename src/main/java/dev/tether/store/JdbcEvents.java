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
        return stats(accountId, List.of(guid)).getOrDefault(guid, Map.of());
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
        // the key is the only lower bound: with a second one (ts >= from) SQLite seeks to the start of the range
        // and filters its way to the key, a scan that grows with every page
        sql.stream("SELECT guid, event_id, ts, data FROM events WHERE account_id = ? AND evt_name = ?"
                        + " AND (ts, event_id) > (?, ?) AND ts < ? ORDER BY ts, event_id LIMIT ?",
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, range.eventName());
                    s.setLong(3, Math.max(afterTs, range.from()));
                    s.setString(4, afterTs < range.from() ? "" : afterEventId);
                    s.setLong(5, range.until());
                    s.setInt(6, limit);
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
