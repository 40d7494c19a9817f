package dev.tether.store;

import dev.tether.identity.IdentityKey;
import dev.tether.identity.IdentityKind;
import dev.tether.identity.SubscriptionStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A profile read in one statement, one round trip: the profile the first bound key (or the GUID) names, followed
 * along its merges to the live one ({@code dev.tether.core.Merges}' rule, in SQL), with its active identities, its
 * event counts and the subscriptions of its addresses, as rows of one {@code UNION ALL} told apart by their first
 * column. One statement is also one snapshot on PostgreSQL, where reads run in autocommit.
 */
final class ProfileViewQuery {
    /** Longer merge chains than this are not followed (no operation makes one; a cycle would never end). */
    static final int MAX_CHAIN = 100;
    /** Every parameter of the read, cast so that SQLite plans it once. */
    private static final String TEXT = Sql.TEXT;

    private static final int PROFILE = 0;
    private static final int IDENTITY = 1;
    private static final int EVENT = 2;
    private static final int ADDRESS = 3;

    private final Sql sql;

    ProfileViewQuery(Sql sql) {
        this.sql = sql;
    }

    /** The live profile the first of these keys with an active binding names. */
    Optional<ProfileView> byKeys(String accountId, List<IdentityKey> keys) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder start = new StringBuilder("SELECT found.guid FROM (");
        for (int i = 0; i < keys.size(); i++) {
            String k = "k" + i;
            start.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(" AS n, ").append(k)
                    .append(".guid FROM identity_bindings ").append(k).append(" WHERE ").append(k)
                    .append(".account_id = " + TEXT + " AND ").append(k).append(".kind = " + TEXT + " AND ")
                    .append(k).append(".value = " + TEXT + " AND ").append(k).append(".ended_at IS NULL");
        }
        // the rule of Holders.first: the first key whose binding names a profile that exists
        start.append(") AS found JOIN profiles holder ON holder.account_id = " + TEXT
                + " AND holder.guid = found.guid ORDER BY found.n LIMIT 1");
        return run(accountId, start.toString(), s -> {
            int index = 1;
            for (IdentityKey key : keys) {
                s.setString(index++, accountId);
                s.setString(index++, key.kind().storedName());
                s.setString(index++, key.value());
            }
            s.setString(index++, accountId);
            return index;
        });
    }

    /** The live profile this GUID names: itself, or the one it was merged into. */
    Optional<ProfileView> byGuid(String accountId, String guid) {
        return run(accountId, "SELECT " + TEXT + " AS guid", s -> {
            s.setString(1, guid);
            return 2;
        });
    }

    /** Binds the start's placeholders from 1 and returns the next index. */
    private interface StartBinder {
        int bind(PreparedStatement statement) throws SQLException;
    }

    private Optional<ProfileView> run(String accountId, String start, StartBinder startBinder) {
        Dialect dialect = sql.dialect();
        String statement = "WITH RECURSIVE start_profile (guid) AS (" + start + "),"
                + " chain (guid, merged_into, depth) AS ("
                + "SELECT p0.guid, p0.merged_into, 0 FROM profiles p0"
                + " WHERE p0.account_id = " + TEXT + " AND p0.guid = (SELECT guid FROM start_profile)"
                + " UNION ALL SELECT p1.guid, p1.merged_into, chain.depth + 1 FROM chain JOIN profiles p1"
                + " ON p1.account_id = " + TEXT + " AND p1.guid = chain.merged_into"
                + " WHERE chain.depth < " + MAX_CHAIN + "),"
                + " live (guid) AS (SELECT guid FROM chain WHERE merged_into IS NULL),"
                + " live_profile AS (SELECT p.guid, p.properties, p.created_at, p.updated_at FROM profiles p"
                + " WHERE p.account_id = " + TEXT + " AND p.guid = (SELECT guid FROM live)),"
                + " live_identities AS (SELECT b.binding_id, b.kind, b.value, b.started_at FROM identity_bindings b"
                + " WHERE b.account_id = " + TEXT + " AND b.guid = (SELECT guid FROM live) AND b.ended_at IS NULL),"
                + " addresses (kind, value) AS ("
                + "SELECT i.kind, i.value FROM live_identities i WHERE i.kind IN ('Phone', 'Email')"
                + " UNION SELECT 'Phone', " + dialect.propertyText("properties", "Phone") + " FROM live_profile"
                + " UNION SELECT 'Email', " + dialect.propertyText("properties", "Email") + " FROM live_profile)"
                + " SELECT " + PROFILE + ", guid, properties, CAST(NULL AS TEXT), created_at, updated_at,"
                + " CAST(NULL AS BIGINT) FROM live_profile"
                + " UNION ALL SELECT " + IDENTITY + ", binding_id, kind, value, started_at, NULL, NULL"
                + " FROM live_identities"
                + " UNION ALL SELECT " + EVENT + ", e.evt_name, NULL, NULL, COUNT(*), MIN(e.ts), MAX(e.ts) FROM events e"
                // the grouping kept from the index by name, which SQLite without statistics took for the order of
                // its groups and then walked every event of the account (the contract's "= (SELECT" equality)
                + " WHERE e.account_id = " + TEXT + " AND e.guid = (SELECT guid FROM live)"
                + " GROUP BY " + dialect.notIndexed("e.evt_name")
                + " UNION ALL SELECT " + ADDRESS + ", a.kind, a.value, s.status, NULL, NULL, NULL FROM addresses a"
                + " LEFT JOIN subscriptions s ON s.account_id = " + TEXT + " AND s.kind = a.kind AND s.value = a.value"
                + " WHERE a.value IS NOT NULL";
        List<Row> rows = sql.query(statement, s -> {
            int index = startBinder.bind(s);
            for (int i = 0; i < 6; i++) {
                s.setString(index++, accountId);
            }
        }, row -> new Row(row.getInt(1), row.getString(2), row.getString(3), row.getString(4), row.getLong(5),
                row.getLong(6), row.getLong(7)));
        return view(rows);
    }

    private record Row(int part, @Nullable String a, @Nullable String b, @Nullable String c, long x, long y, long z) {
        String first() {
            return require(a);
        }

        String second() {
            return require(b);
        }

        String third() {
            return require(c);
        }

        private static String require(@Nullable String value) {
            if (value == null) {
                throw new IllegalStateException("a profile view's row lacks a value it always has");
            }
            return value;
        }
    }

    private static Optional<ProfileView> view(List<Row> rows) {
        StoredProfile profile = null;
        List<ActiveBinding> identities = new ArrayList<>();
        Map<String, EventStats> events = new TreeMap<>();
        Set<IdentityKey> addresses = new HashSet<>();
        Map<IdentityKey, SubscriptionStatus> subscriptions = new HashMap<>();
        for (Row row : rows) {
            switch (row.part()) {
                case PROFILE -> profile = new StoredProfile(row.first(), row.second(), row.x(), row.y(),
                        Optional.empty());
                case IDENTITY -> identities.add(new ActiveBinding(row.first(),
                        new IdentityKey(IdentityKind.fromStoredName(row.second()), row.third()), "", row.x()));
                case EVENT -> events.put(row.first(), new EventStats(row.x(), row.y(), row.z()));
                case ADDRESS -> {
                    IdentityKey address = new IdentityKey(IdentityKind.fromStoredName(row.first()), row.second());
                    addresses.add(address);
                    if (row.c() != null) {
                        subscriptions.put(address, SubscriptionStatus.fromWireName(row.third()).orElseThrow(() ->
                                new IllegalStateException("stored subscription status is unknown: " + row.c())));
                    }
                }
                default -> throw new IllegalStateException("a profile view's row of no part: " + row.part());
            }
        }
        if (profile == null) {
            return Optional.empty();
        }
        String guid = profile.guid();
        List<ActiveBinding> ordered = identities.stream()
                .map(b -> new ActiveBinding(b.bindingId(), b.key(), guid, b.since()))
                .sorted(Comparator.comparingLong(ActiveBinding::since).thenComparing(ActiveBinding::bindingId))
                .toList();
        return Optional.of(new ProfileView(profile, ordered, events, addresses, subscriptions));
    }
}
