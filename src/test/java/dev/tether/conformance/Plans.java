package dev.tether.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.store.StatementLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A statement's plan on one connection, read as the tables it reaches and how, and judged: every access to a table
 * that grows with the data goes through an index, and that index leads with the statement's equality columns.
 * <ul>
 *   <li>a full scan (SQLite's {@code SCAN t}, with or without an index to walk; PostgreSQL's {@code Seq Scan}, or
 *       an index scan without an index condition) fails;</li>
 *   <li>an index search fails when the statement compares columns of the table for equality (besides
 *       {@code account_id}) and the index has none of them, takes none of them, or stops before one it could
 *       take next (the index's columns in order, from the database's catalogue);</li>
 *   <li>a name the plan reaches that the statement does not name fails too, rather than passing unread.</li>
 * </ul>
 */
final class Plans {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A parameter, bare or cast as SQLite plans it once ({@code Sql.TEXT}). */
    private static final String PARAMETER = "(?:\\?|CAST\\s*\\(\\s*\\?)";
    /** The tables that grow with an account's data; a full scan of one grows with every account's. */
    static final Set<String> DATA_TABLES = Set.of("profiles", "identity_bindings", "identity_keys", "events",
            "profile_merges", "subscriptions", "idempotency_keys", "webhook_outbox", "webhook_attempts");
    /**
     * A column compared for equality: {@code c = ?} (bare or cast, {@code c = CAST(? AS TEXT)}), {@code c = ANY(...)},
     * {@code c = 'x'}, {@code c = t.d}, {@code c = (SELECT ...)} (one value, as the profile read's parts take the
     * profile's GUID), {@code c IN (}.
     */
    private static final Pattern EQUALITY = Pattern.compile("(?i)(?<![\\w.)])(?:(\\w+)\\.)?(\\w+)\\s*(?:=\\s*(?:"
            + PARAMETER + "|ANY\\s*\\(|'|\\(\\s*SELECT\\b|(\\w+)\\.(\\w+))|IN\\s*\\()");
    /** The tables a statement names, with their aliases. */
    private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:FROM|JOIN|UPDATE|INTO)\\s+(\\w+)(?:\\s+(?:AS\\s+)?"
            + "(?!WHERE\\b|ON\\b|SET\\b|LEFT\\b|JOIN\\b|ORDER\\b|GROUP\\b|LIMIT\\b|INDEXED\\b|USING\\b|\\()(\\w+))?");
    /**
     * A statement about one account: it binds {@code account_id} to a value. The others span accounts by design
     * (the purges by age, the webhook loop's search for endpoints due), and reach every partition.
     */
    private static final Pattern NAMES_AN_ACCOUNT = Pattern.compile("(?i)account_id\\s*=\\s*" + PARAMETER);
    private static final Pattern SQLITE_SCAN = Pattern.compile("^SCAN (\\S+)");
    /** An index search; without a condition in parentheses it is a walk in the index's order that a LIMIT ends. */
    private static final Pattern SQLITE_SEARCH = Pattern.compile("^SEARCH (\\S+) (?:EXISTS )?USING (?:COVERING )?INDEX"
            + " (\\S+)(?: \\((.*)\\))?(?: LEFT-JOIN)?$");
    private static final Pattern SQLITE_ROWID = Pattern.compile("^SEARCH (\\S+) (?:EXISTS )?USING INTEGER PRIMARY KEY");
    /** A search of a WITHOUT ROWID table through its own key: the table is that key's b-tree. */
    private static final Pattern SQLITE_OWN_KEY = Pattern.compile("^SEARCH (\\S+) (?:EXISTS )?USING PRIMARY KEY"
            + "(?: \\((.*)\\))?$");
    private static final String OWN_KEY = "PRIMARY KEY";
    /** A column an index condition takes, SQLite's {@code a=?} or PostgreSQL's {@code (a = ...)}, row values too. */
    private static final Pattern TAKEN = Pattern.compile("\\(?\\(?([\\w, ]+?)\\)?\\s*(?:=|<|>|<=|>=)");

    private final Connection connection;
    private final boolean postgres;
    private final Map<String, List<String>> catalogue = new HashMap<>();

    Plans(Connection connection, boolean postgres) {
        this.connection = connection;
        this.postgres = postgres;
    }

    /** How a plan reaches one table: the name it uses, the index (null for a full scan) and the columns it takes. */
    record Access(String name, @Nullable String table, @Nullable String index, Set<String> taken) {
    }

    /** What a plan does, and its text for messages. */
    record Plan(List<Access> accesses, String text) {
    }

    /** The plan of the statement with the values it ran with. */
    Plan explain(StatementLog.Statement statement) throws Exception {
        return postgres ? postgresPlan(statement) : sqlitePlan(statement);
    }

    /** What is wrong with the plan, if anything. */
    Optional<String> problem(String sql, Plan plan) throws SQLException {
        return problem(sql, plan, true);
    }

    /** What is wrong with the plan; with {@code judgeIndexes} false, only full scans and unknown names count. */
    Optional<String> problem(String sql, Plan plan, boolean judgeIndexes) throws SQLException {
        Map<String, String> tables = tablesOf(sql);
        Map<String, Set<String>> partitionsReached = new HashMap<>();
        for (Access access : plan.accesses()) {
            String relation = access.table() != null ? access.table() : tables.get(access.name());
            String table = relation == null ? null : parentOf(relation);
            if (table != null && !table.equals(relation) && NAMES_AN_ACCOUNT.matcher(sql).find()) {
                // each account's rows are in one partition: an access that reaches two did not prune by account_id
                // keyed by the table: PostgreSQL names each partition's scan apart (p_1, p_2), and every access
                // of one account, under any alias, belongs in its one partition
                Set<String> reached = partitionsReached.computeIfAbsent(table, name -> new HashSet<>());
                reached.add(relation);
                if (reached.size() > 1) {
                    return Optional.of("the plan reaches " + reached.size() + " partitions of " + table
                            + " for one account: " + reached);
                }
            }
            if (table == null) {
                return Optional.of("the plan reaches " + access.name() + ", which the statement does not name");
            }
            if (!DATA_TABLES.contains(table)) {
                continue;
            }
            String index = access.index() == null ? null : parentOf(access.index());
            if (index == null) {
                return Optional.of("a full scan of " + table);
            }
            if (index.equals("rowid") || !judgeIndexes) {
                continue;
            }
            Set<String> equalities = equalities(sql, access.name(), table);
            if (equalities.isEmpty()) {
                continue;
            }
            if (index.equals(OWN_KEY)) {
                index = catalogue("SELECT name FROM pragma_index_list(?) WHERE origin = 'pk'", table).get(0);
            }
            List<String> columns = indexColumns(index);
            if (columns.stream().noneMatch(equalities::contains)) {
                return Optional.of("index " + index + " " + columns + " of " + table + " has none of " + equalities);
            }
            boolean tookOne = false;
            for (String column : columns) {
                if (access.taken().contains(column)) {
                    tookOne |= equalities.contains(column);
                    continue;
                }
                if (equalities.contains(column)) {
                    return Optional.of("index " + index + " " + columns + " of " + table + " stops before " + column
                            + ", compared for equality");
                }
                break;
            }
            if (!tookOne) {
                return Optional.of("index " + index + " " + columns + " of " + table + " takes none of " + equalities);
            }
            // SQLite runs a correlated subquery for every outer row; PostgreSQL turns one into a join, whose
            // inner side is judged by the rules above
            Set<String> correlated = postgres ? Set.of() : correlated(sql, access.name());
            if (!correlated.isEmpty() && correlated.stream().noneMatch(access.taken()::contains)) {
                return Optional.of("index " + index + " " + columns + " of " + table + " takes none of " + correlated
                        + ", compared with the outer statement's rows: each of them walks what the index finds");
            }
        }
        return Optional.empty();
    }

    /**
     * The columns of the table the statement compares for equality, besides account_id: those qualified with the
     * name the plan uses for it, and unqualified ones the table has. UPDATE's SET clause is left out.
     */
    private Set<String> equalities(String sql, String name, String table)
            throws SQLException {
        String upper = sql.toUpperCase(Locale.ROOT);
        int from = upper.startsWith("UPDATE") ? upper.indexOf(" WHERE ") : upper.indexOf(" FROM ");
        Set<String> equalities = new LinkedHashSet<>();
        Matcher matcher = EQUALITY.matcher(from < 0 ? "" : sql.substring(from));
        while (matcher.find()) {
            String qualifier = matcher.group(1);
            String column = matcher.group(2).toLowerCase(Locale.ROOT);
            boolean ours = qualifier == null ? columnsOf(table).contains(column)
                    : qualifier.equalsIgnoreCase(name) || qualifier.equalsIgnoreCase(table) && name.equalsIgnoreCase(table);
            if (ours && !column.equals("account_id") && !column.equals("rowid")) {
                equalities.add(column);
            }
        }
        return equalities;
    }

    /**
     * The columns of the table (by the plan's name for it) compared for equality with another table's column,
     * {@code e.guid = p.guid}, either way round, besides account_id: a correlated lookup that does not take one
     * reads the same rows again for every outer row.
     */
    private static Set<String> correlated(String sql, String name) {
        Set<String> correlated = new LinkedHashSet<>();
        Matcher matcher = EQUALITY.matcher(sql);
        while (matcher.find()) {
            if (matcher.group(3) == null || matcher.group(1) == null) {
                continue;
            }
            if (matcher.group(1).equalsIgnoreCase(name) && !matcher.group(3).equalsIgnoreCase(name)) {
                correlated.add(matcher.group(2).toLowerCase(Locale.ROOT));
            } else if (matcher.group(3).equalsIgnoreCase(name) && !matcher.group(1).equalsIgnoreCase(name)) {
                correlated.add(matcher.group(4).toLowerCase(Locale.ROOT));
            }
        }
        correlated.remove("account_id");
        return correlated;
    }

    /** Table names by the names the statement uses for them (their aliases, and themselves). */
    static Map<String, String> tablesOf(String sql) {
        Map<String, String> tables = new HashMap<>();
        Matcher matcher = TABLE.matcher(sql);
        while (matcher.find()) {
            tables.put(matcher.group(1), matcher.group(1));
            if (matcher.group(2) != null) {
                tables.put(matcher.group(2), matcher.group(1));
            }
        }
        return tables;
    }

    private Plan sqlitePlan(StatementLog.Statement statement) throws SQLException {
        List<Access> accesses = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (PreparedStatement explain = bound("EXPLAIN QUERY PLAN " + statement.sql(), statement);
             ResultSet rows = explain.executeQuery()) {
            while (rows.next()) {
                String detail = rows.getString("detail");
                lines.add(detail);
                Matcher search = SQLITE_SEARCH.matcher(detail);
                Matcher rowid = SQLITE_ROWID.matcher(detail);
                Matcher ownKey = SQLITE_OWN_KEY.matcher(detail);
                Matcher scan = SQLITE_SCAN.matcher(detail);
                if (search.find()) {
                    String condition = search.group(3);
                    accesses.add(new Access(search.group(1), null, search.group(2),
                            condition == null ? Set.of() : taken(condition)));
                } else if (ownKey.find()) {
                    String condition = ownKey.group(2);
                    accesses.add(new Access(ownKey.group(1), null, OWN_KEY,
                            condition == null ? Set.of() : taken(condition)));
                } else if (rowid.find()) {
                    accesses.add(new Access(rowid.group(1), null, "rowid", Set.of("rowid")));
                } else if (scan.find() && !scan.group(1).equals("json_each") && !scan.group(1).equals("CONSTANT")
                        && !scan.group(1).startsWith("(")) {
                    accesses.add(new Access(scan.group(1), null, null, Set.of()));
                } else if (detail.startsWith("SEARCH ") && !detail.startsWith("SEARCH json_each")) {
                    throw new IllegalStateException("a SEARCH line the test cannot read: " + detail);
                }
            }
        }
        return new Plan(accesses, String.join(" | ", lines));
    }

    private Plan postgresPlan(StatementLog.Statement statement) throws Exception {
        String text;
        try (PreparedStatement explain = bound("EXPLAIN (FORMAT JSON) " + statement.sql(), statement);
             ResultSet rows = explain.executeQuery()) {
            rows.next();
            text = rows.getString(1);
        }
        JsonNode root = JSON.readTree(text).get(0).get("Plan");
        List<Access> accesses = new ArrayList<>();
        collect(root, null, accesses);
        StringBuilder shown = new StringBuilder();
        show(root, shown);
        return new Plan(accesses, shown.toString());
    }

    /** The accesses of a PostgreSQL plan; a bitmap index scan belongs to the heap scan above it. */
    private static void collect(JsonNode node, @Nullable JsonNode heap, List<Access> accesses) {
        String type = node.path("Node Type").asText();
        JsonNode relation = node.has("Relation Name") ? node : heap;
        switch (type) {
            case "Seq Scan" -> accesses.add(new Access(node.path("Alias").asText(), node.path("Relation Name").asText(),
                    null, Set.of()));
            case "Index Scan", "Index Only Scan", "Bitmap Index Scan" -> {
                if (relation != null) {
                    String condition = node.path("Index Cond").asText("");
                    accesses.add(new Access(relation.path("Alias").asText(), relation.path("Relation Name").asText(),
                            condition.isEmpty() ? null : node.path("Index Name").asText(), taken(condition)));
                }
            }
            default -> { }
        }
        JsonNode below = type.equals("Bitmap Heap Scan") ? node : heap;
        node.path("Plans").forEach(child -> collect(child, below, accesses));
    }

    /** The columns an index condition takes. */
    private static Set<String> taken(String condition) {
        Set<String> taken = new HashSet<>();
        for (String part : condition.split("(?i) AND ")) {
            Matcher matcher = TAKEN.matcher(part.trim());
            if (matcher.find()) {
                for (String column : matcher.group(1).split(",")) {
                    taken.add(column.trim().replaceAll("^.*\\.", "").toLowerCase(Locale.ROOT));
                }
            }
        }
        return taken;
    }

    /** The table a partition belongs to, or the index a partition's index belongs to (PostgreSQL), else itself. */
    private String parentOf(String relation) throws SQLException {
        if (!postgres) {
            return relation;
        }
        List<String> parent = catalogue("SELECT p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent WHERE c.relname = ?", relation);
        return parent.isEmpty() ? relation : parent.get(0);
    }

    /** The index's columns in order, from the catalogue. */
    private List<String> indexColumns(String index) throws SQLException {
        return catalogue(postgres ? "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE c.relname = ?"
                + " ORDER BY array_position(i.indkey::int2[], a.attnum)"
                : "SELECT name FROM pragma_index_info(?) ORDER BY seqno", index);
    }

    private Set<String> columnsOf(String table) throws SQLException {
        return new HashSet<>(catalogue(postgres ? "SELECT column_name FROM information_schema.columns"
                + " WHERE table_name = ?" : "SELECT name FROM pragma_table_info(?)", table));
    }

    /** The names a catalogue query answers for one index or table, asked once. */
    private List<String> catalogue(String query, String of) throws SQLException {
        String key = query + "|" + of;
        List<String> known = catalogue.get(key);
        if (known == null) {
            known = names(query, of);
            catalogue.put(key, known);
        }
        return known;
    }

    private List<String> names(String query, String of) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, of);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** A plan as one line: each node with its table, index and conditions, long literals cut short. */
    private static void show(JsonNode node, StringBuilder shown) {
        shown.append(node.path("Node Type").asText());
        if (node.has("Relation Name")) {
            shown.append(" on ").append(node.get("Relation Name").asText());
        }
        if (node.has("Index Name")) {
            shown.append(" using ").append(node.get("Index Name").asText());
        }
        for (String field : List.of("Index Cond", "Recheck Cond", "Filter")) {
            if (node.has(field)) {
                shown.append(" [").append(field).append(": ")
                        .append(node.get(field).asText().replaceAll("'\\{[^}]{40,}}'", "'{...}'")).append(']');
            }
        }
        for (JsonNode child : node.path("Plans")) {
            shown.append(" { ");
            show(child, shown);
            shown.append(" }");
        }
    }

    private PreparedStatement bound(String sql, StatementLog.Statement statement) throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(sql);
        for (int i = 0; i < statement.values().size(); i++) {
            Object value = statement.values().get(i);
            if (value instanceof List<?> list) {
                prepared.setArray(i + 1, connection.createArrayOf("text", list.toArray()));
            } else {
                prepared.setObject(i + 1, value);
            }
        }
        return prepared;
    }
}
