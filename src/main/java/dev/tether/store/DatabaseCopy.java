package dev.tether.store;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code tether copy}: a whole Tether database into another of either backend, table by table in key order, in
 * batches. Each batch is inserted in one transaction with the copy's progress ({@value #PROGRESS}, a table of the
 * target dropped when the copy is verified), so a copy stopped any way goes on after its last committed batch. Both
 * databases are brought to the current schema first; the target must hold no account unless it holds a copy in
 * progress of the same source. The copy ends by comparing every table's row count and a SHA-256 of its rows in key
 * order on both sides (DECISIONS.md, "Copying a database").
 */
public final class DatabaseCopy {
    static final String PROGRESS = "tether_copy_progress";
    /** The outbox's numbers per transaction: a unit's first message is its number times this. */
    private static final long UNIT_SIZE = 1L << 24;

    /** A table, its key columns (the copy's order; unique), in the order the copy takes them. */
    record Table(String name, List<String> key) {
    }

    /** Every table of the schema but Flyway's own and the outbox's numbering, which each backend keeps its way. */
    static final List<Table> TABLES = List.of(
            new Table("accounts", List.of("account_id")),
            new Table("passcodes", List.of("account_id", "passcode_hash")),
            new Table("server_keys", List.of("name")),
            new Table("profiles", List.of("account_id", "guid")),
            new Table("identity_bindings", List.of("account_id", "binding_id")),
            new Table("identity_keys", List.of("account_id", "kind", "value")),
            new Table("profile_merges", List.of("account_id", "merge_id")),
            new Table("events", List.of("account_id", "guid", "event_id")),
            new Table("subscriptions", List.of("account_id", "kind", "value")),
            new Table("idempotency_keys", List.of("account_id", "idempotency_key")),
            new Table("webhook_endpoints", List.of("endpoint_id")),
            new Table("webhook_outbox", List.of("account_id", "first_seq")),
            new Table("webhook_attempts", List.of("endpoint_id", "seq", "attempt", "attempted_at")));

    /** What a verification found of one table: its rows and digest on each side. */
    public record TableCheck(String table, long sourceRows, long targetRows, String sourceDigest,
                             String targetDigest) {
        public boolean same() {
            return sourceRows == targetRows && sourceDigest.equals(targetDigest);
        }
    }

    private final String from;
    private final String to;
    private final int batchSize;
    private final Consumer<String> progress;

    public DatabaseCopy(String from, String to, int batchSize, Consumer<String> progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        this.from = from;
        this.to = to;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /**
     * Copies every table not copied yet, then the outbox's numbering. {@link IllegalStateException} when the target
     * holds accounts and no copy of this source in progress.
     */
    public void copy() {
        try (Store source = Stores.open(from, 2); Store target = Stores.open(to, 2)) {
            // both brought to the current schema by opening them
        }
        try (Connection source = DriverManager.getConnection(from); Connection target = DriverManager.getConnection(to)) {
            target.setAutoCommit(true);
            Optional<String> copyOf = copyInProgress(target);
            if (copyOf.isEmpty()) {
                if (count(target, "SELECT count(*) FROM accounts") > 0) {
                    throw new IllegalStateException("the target already holds accounts: copy into an empty database");
                }
                try (Statement statement = target.createStatement()) {
                    statement.execute("CREATE TABLE " + PROGRESS + " (table_name TEXT NOT NULL PRIMARY KEY,"
                            + " last_key TEXT, copied BIGINT NOT NULL, done INTEGER NOT NULL, source TEXT NOT NULL)");
                    statement.execute("DELETE FROM server_keys"); // the source's keys, so its cursors stay valid
                }
            } else if (!copyOf.get().equals(Stores.redacted(from))) {
                throw new IllegalStateException("the target holds a copy in progress of another database ("
                        + copyOf.get() + ")");
            }
            for (Table table : TABLES) {
                copyTable(source, target, table);
            }
            carryOutboxNumbering(source, target);
            try (Statement statement = target.createStatement()) {
                // the planner's statistics of the tables just filled: without them the invariant check that follows,
                // and the first requests, may plan a join of a large table as if it held a few rows
                statement.execute("ANALYZE");
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("the copy stopped: " + e.getMessage(), e);
        }
    }

    /** Compares every table on both sides; drops the copy's progress when all are the same. */
    public List<TableCheck> verify() {
        List<TableCheck> checks = new ArrayList<>();
        try (Connection source = DriverManager.getConnection(from); Connection target = DriverManager.getConnection(to)) {
            for (Table table : TABLES) {
                List<String> columns = columns(target, table.name());
                Digest left = digest(source, table, columns);
                Digest right = digest(target, table, columns);
                checks.add(new TableCheck(table.name(), left.rows, right.rows, left.sha256, right.sha256));
                progress.accept(String.format(Locale.ROOT, "verified %s: %,d rows%s", table.name(), left.rows,
                        checks.get(checks.size() - 1).same() ? "" : " DIFFERS"));
            }
            if (checks.stream().allMatch(TableCheck::same) && copyInProgress(target).isPresent()) {
                try (Statement statement = target.createStatement()) {
                    statement.execute("DROP TABLE " + PROGRESS);
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("the verification stopped: " + e.getMessage(), e);
        }
        return checks;
    }

    private Optional<String> copyInProgress(Connection target) throws SQLException {
        try (ResultSet tables = target.getMetaData().getTables(null, null, PROGRESS, null)) {
            if (!tables.next()) {
                return Optional.empty();
            }
        }
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT source FROM " + PROGRESS + " LIMIT 1")) {
            return Optional.of(rows.next() ? rows.getString(1) : Stores.redacted(from));
        }
    }

    private void copyTable(Connection source, Connection target, Table table) throws SQLException {
        long copied = 0;
        @Nullable List<String> after = null;
        try (PreparedStatement state = target.prepareStatement("SELECT last_key, copied, done FROM " + PROGRESS
                + " WHERE table_name = ?")) {
            state.setString(1, table.name());
            try (ResultSet row = state.executeQuery()) {
                if (row.next()) {
                    if (row.getInt(3) == 1) {
                        return;
                    }
                    copied = row.getLong(2);
                    after = row.getString(1) == null ? null : decodeKey(row.getString(1));
                }
            }
        }
        long total = count(source, "SELECT count(*) FROM " + table.name());
        List<String> columns = columns(target, table.name());
        List<Integer> types = types(target, table.name(), columns);
        String insert = "INSERT INTO " + table.name() + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        target.setAutoCommit(false);
        long said = System.nanoTime();
        try {
            while (true) {
                List<List<Object>> rows = page(source, table, columns, after);
                if (rows.isEmpty()) {
                    break;
                }
                try (PreparedStatement statement = target.prepareStatement(insert)) {
                    for (List<Object> row : rows) {
                        for (int i = 0; i < columns.size(); i++) {
                            bind(statement, i + 1, types.get(i), row.get(i));
                        }
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
                List<Object> last = rows.get(rows.size() - 1);
                after = table.key().stream().map(k -> String.valueOf(last.get(columns.indexOf(k)))).toList();
                copied += rows.size();
                saveProgress(target, table, encodeKey(after), copied, false);
                target.commit();
                if (System.nanoTime() - said > 2_000_000_000L) {
                    said = System.nanoTime();
                    progress.accept(String.format(Locale.ROOT, "copying %s: %,d of %,d rows", table.name(), copied,
                            total));
                }
            }
            progress.accept(String.format(Locale.ROOT, "copied %s: %,d rows", table.name(), copied));
            saveProgress(target, table, after == null ? null : encodeKey(after), copied, true);
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
        }
    }

    private void saveProgress(Connection target, Table table, @Nullable String lastKey, long copied, boolean done)
            throws SQLException {
        try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + PROGRESS + " WHERE table_name = ?");
             PreparedStatement insert = target.prepareStatement("INSERT INTO " + PROGRESS
                     + " (table_name, last_key, copied, done, source) VALUES (?, ?, ?, ?, ?)")) {
            delete.setString(1, table.name());
            delete.executeUpdate();
            insert.setString(1, table.name());
            insert.setString(2, lastKey);
            insert.setLong(3, copied);
            insert.setInt(4, done ? 1 : 0);
            insert.setString(5, Stores.redacted(from));
            insert.executeUpdate();
        }
    }

    /** The next rows after the key (all from the start when null), in key order, as the target's columns. */
    private List<List<Object>> page(Connection source, Table table, List<String> columns,
                                    @Nullable List<String> after)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", columns)).append(" FROM ")
                .append(table.name());
        if (after != null) {
            // a row-value comparison: the rows after the last one copied, in the key's order
            sql.append(" WHERE (").append(String.join(", ", table.key())).append(") > (")
                    .append(String.join(", ", table.key().stream().map(k -> "?").toList())).append(")");
        }
        sql.append(" ORDER BY ").append(String.join(", ", table.key())).append(" LIMIT ").append(batchSize);
        List<Integer> keyTypes = types(source, table.name(), table.key());
        try (PreparedStatement statement = source.prepareStatement(sql.toString())) {
            if (after != null) {
                for (int i = 0; i < after.size(); i++) {
                    bind(statement, i + 1, keyTypes.get(i), after.get(i));
                }
            }
            List<List<@Nullable Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(result.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Binds a value read from either backend as the column's type on this side takes it. */
    private static void bind(PreparedStatement statement, int index, int type, @Nullable Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, type);
            return;
        }
        switch (type) {
            case Types.BOOLEAN, Types.BIT -> statement.setBoolean(index, value instanceof Boolean b ? b
                    : value instanceof Number n ? n.longValue() != 0 : Boolean.parseBoolean(value.toString())
                            || value.toString().equals("1"));
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> statement.setLong(index,
                    value instanceof Number n ? n.longValue() : value instanceof Boolean b ? (b ? 1 : 0)
                            : Long.parseLong(value.toString()));
            default -> statement.setString(index, value.toString());
        }
    }

    /** The columns of a table on this side, as its metadata lists them. */
    private static List<String> columns(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rows.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
        }
        return columns;
    }

    /**
     * The JDBC types of the columns on this side, from the declared type (SQLite's metadata reports what a column
     * holds, so the declared name decides there: INTEGER, TEXT, BOOLEAN).
     */
    private static List<Integer> types(Connection connection, String table, List<String> columns)
            throws SQLException {
        List<Integer> types = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table
                     + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rows.getMetaData();
            for (int i = 1; i <= columns.size(); i++) {
                String declared = String.valueOf(meta.getColumnTypeName(i)).toUpperCase(Locale.ROOT);
                types.add(declared.startsWith("BOOL") ? Types.BOOLEAN
                        : declared.contains("INT") ? Types.BIGINT : Types.VARCHAR);
            }
        }
        return types;
    }

    /**
     * The outbox's numbering, which each backend keeps its own way (PostgreSQL: one sequence; SQLite: a row per
     * account), set past every number the copied outbox and endpoints hold, so that new messages follow them.
     */
    private static void carryOutboxNumbering(Connection source, Connection target) throws SQLException {
        long last = Math.max(count(source, "SELECT coalesce(max(last_seq), 0) FROM webhook_outbox"),
                count(source, "SELECT coalesce(max(delivered_seq), 0) FROM webhook_endpoints")) / UNIT_SIZE;
        boolean postgres = target.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        try (Statement statement = target.createStatement()) {
            if (postgres) {
                statement.execute("SELECT setval('webhook_units', " + Math.max(1, last + 1) + ", false)");
            } else {
                statement.execute("DELETE FROM webhook_units");
                statement.execute("INSERT INTO webhook_units (account_id, last_unit) SELECT account_id, " + last
                        + " FROM accounts");
            }
        }
    }

    private record Digest(long rows, String sha256) {
    }

    /**
     * The rows of a table, each value written the same way whichever backend holds it (a boolean as 1 or 0), each
     * row hashed with SHA-256 and the hashes added modulo 2^256: the same rows give the same sum in any order, so
     * neither side's collation decides it.
     */
    private static Digest digest(Connection connection, Table table, List<String> columns) throws SQLException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Integer> types = types(connection, table.name(), columns);
        long rows = 0;
        BigInteger sum = BigInteger.ZERO;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams by the fetch size only inside a transaction
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet result = statement.executeQuery("SELECT " + String.join(", ", columns) + " FROM "
                    + table.name())) {
                while (result.next()) {
                    rows++;
                    for (int i = 1; i <= columns.size(); i++) {
                        Object value = result.getObject(i);
                        String text = value == null ? "\u0000null" : switch (types.get(i - 1)) {
                            case Types.BOOLEAN -> value instanceof Boolean b ? (b ? "1" : "0")
                                    : value instanceof Number n ? (n.longValue() != 0 ? "1" : "0") : value.toString();
                            case Types.BIGINT -> value instanceof Number n ? Long.toString(n.longValue())
                                    : value.toString();
                            default -> value.toString();
                        };
                        sha.update(text.getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 0x1F);
                    }
                    sum = sum.add(new BigInteger(1, sha.digest())).mod(MODULUS);
                }
            }
        } finally {
            connection.commit();
            connection.setAutoCommit(autoCommit);
        }
        return new Digest(rows, String.format(Locale.ROOT, "%064x", sum));
    }

    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

    private static long count(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String encodeKey(List<String> key) {
        return String.join("\u001F", key);
    }

    private static List<String> decodeKey(String key) {
        return List.of(key.split("\u001F", -1));
    }
}
