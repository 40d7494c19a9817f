package dev.tether.store;

import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The SQL of address-level subscriptions: one row per address of an account. */
final class JdbcSubscriptions implements SubscriptionWrites {
    private final Sql sql;

    JdbcSubscriptions(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Map<IdentityKey, SubscriptionStatus> status(String accountId, Collection<IdentityKey> addresses) {
        Map<IdentityKind, List<String>> byKind = addresses.stream().distinct().collect(Collectors.groupingBy(
                IdentityKey::kind, () -> new EnumMap<>(IdentityKind.class),
                Collectors.mapping(IdentityKey::value, Collectors.toList())));
        Map<IdentityKey, SubscriptionStatus> found = new HashMap<>();
        Dialect dialect = sql.dialect();
        byKind.forEach((kind, values) -> sql.query("SELECT value, status FROM subscriptions WHERE account_id = ?"
                        + " AND kind = ? AND " + dialect.inList("value"),
                s -> {
                    s.setString(1, accountId);
                    s.setString(2, kind.storedName());
                    dialect.bindList(s, 3, values);
                }, row -> Map.entry(new IdentityKey(kind, row.getString(1)), row.getString(2)))
                .forEach(e -> found.put(e.getKey(), SubscriptionStatus.fromWireName(e.getValue()).orElseThrow(() ->
                        new IllegalStateException("stored subscription status is unknown: " + e.getValue())))));
        return found;
    }

    @Override
    public void set(String accountId, Map<IdentityKey, SubscriptionStatus> statuses, long at) {
        sql.batch("INSERT INTO subscriptions (account_id, kind, value, status, updated_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (account_id, kind, value) DO UPDATE SET status = excluded.status,"
                + " updated_at = excluded.updated_at", inLockOrder(statuses), (s, e) -> {
                    s.setString(1, accountId);
                    s.setString(2, e.getKey().kind().storedName());
                    s.setString(3, e.getKey().value());
                    s.setString(4, e.getValue().wireName());
                    s.setLong(5, at);
                });
    }

    /** Addresses in one fixed order, so that concurrent writers take their row locks in the same order. */
    private static List<Map.Entry<IdentityKey, SubscriptionStatus>> inLockOrder(
            Map<IdentityKey, SubscriptionStatus> statuses) {
        return statuses.entrySet().stream().sorted(Map.Entry.comparingByKey(
                Comparator.comparing(IdentityKey::kind).thenComparing(IdentityKey::value))).toList();
    }
}
