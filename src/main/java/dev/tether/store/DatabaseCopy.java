package dev.tether.store;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            new Table("audit_entries", List.of("account_id", "at", "entry_id")),
            new Table("server_keys", List.of("name")),
            new Table("profiles", List.of("account_id", "guid")),
            new Table("identity_bindings", List.of("account_id", "kind", "value", "binding_id")),
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
        requireExisting(from);
        try (Store source = Stores.open(from, 2); Store target = Stores.open(to, 2)) {
            // both brought to the current schema by opening them
        }
        try (Connection source = DriverManager.getConnection(from); Connection target = DriverManager.getConnection(to)) {
            target.setAutoCommit(true);
            if (count(source, "SELECT count(*) FROM accounts") == 0) {
                throw new IllegalStateException("the source holds no account: nothing to copy (is it the right"
                        + " database?)");
            }
            Optional<String> copyOf = copyInProgress(target);
            if (copyOf.isEmpty()) {
                if (count(target, "SELECT count(*) FROM accounts") > 0) {
                    throw new IllegalStateException("the target already holds accounts: copy into an empty database");
                }
                // one transaction: a copy killed here left nothing, and one killed later finds its source named
                target.setAutoCommit(false);
                try (Statement statement = target.createStatement()) {
                    statement.execute("CREATE TABLE " + PROGRESS + " (table_name TEXT NOT NULL PRIMARY KEY,"
                            + " last_key TEXT, copied BIGINT NOT NULL, done INTEGER NOT NULL, source TEXT NOT NULL)");
                    statement.execute("DELETE FROM server_keys"); // the source's keys, so its cursors stay valid
                    // prepared once the table is there (SQLite compiles a statement as it is prepared)
                    try (PreparedStatement marker = target.prepareStatement("INSERT INTO " + PROGRESS
                            + " (table_name, last_key, copied, done, source) VALUES ('', NULL, 0, 1, ?)")) {
                        marker.setString(1, Stores.redacted(from));
                        marker.executeUpdate();
                    }
                    target.commit();
                } finally {
                    target.setAutoCommit(true);
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

    /**
     * A SQLite database named by a file that is not there is a mistyped path, not an empty database: opening it
     * would make one. {@link IllegalStateException} then.
     */
    public static void requireExisting(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
            if (!file.isEmpty() && !file.startsWith(":memory:") && !Files.exists(Path.of(file))) {
                throw new IllegalStateException("no database at " + file);
            }
        }
    }

    /** Compares every table on both sides; drops the copy's progress when all are the same. */
    public List<TableCheck> verify() {
        requireExisting(from);
        requireExisting(to);
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
             ResultSet rows = statement.executeQuery("SELECT source FROM " + PROGRESS + " WHERE table_name = ''")) {
            return Optional.of(rows.next() ? rows.getString(1) : "(unknown)");
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
                    if (after != null && after.size() != table.key().size()) {
                        // a copy stopped under a release whose key of this table had other columns (V9's bindings)
                        throw new IllegalStateException("the copy stopped in " + table.name() + " under another"
                                + " release, whose key of that table differs: empty the target and copy again");
                    }
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
                List<List<@Nullable Object>> rows = page(source, table, columns, after);
                if (rows.isEmpty()) {
                    break;
                }
                try (PreparedStatement statement = target.prepareStatement(insert)) {
                    for (List<@Nullable Object> row : rows) {
                        for (int i = 0; i < columns.size(); i++) {
                            bind(statement, i + 1, types.get(i), row.get(i));
                        }
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
                after = keyOf(rows.get(rows.size() - 1), table, columns);
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

    /** A batch holds at most this much text, whatever its rows: an outbox row may be 100 KB. */
    private static final long BATCH_BYTES = 16L << 20;

    /**
     * The next rows after the key (all from the start when null), in key order, as the target's columns: at most a
     * batch of rows or {@value #BATCH_BYTES} bytes, and never part of a run of rows with one key (a table whose key
     * is not unique, the webhook attempts, would otherwise lose the rest of the run past the batch's end).
     */
    private List<List<@Nullable Object>> page(Connection source, Table table, List<String> columns,
                                              @Nullable List<String> after) throws SQLException {
        String keys = String.join(", ", table.key());
        String marks = String.join(", ", table.key().stream().map(k -> "?").toList());
        String select = "SELECT " + String.join(", ", columns) + " FROM " + table.name();
        List<Integer> keyTypes = types(source, table.name(), table.key());
        List<List<@Nullable Object>> rows = read(source, select + (after == null ? "" : " WHERE (" + keys + ") > ("
                + marks + ")") + " ORDER BY " + keys + " LIMIT " + batchSize, after, keyTypes, columns.size(), true);
        if (rows.isEmpty()) {
            return rows;
        }
        List<String> last = keyOf(rows.get(rows.size() - 1), table, columns);
        while (!rows.isEmpty() && keyOf(rows.get(rows.size() - 1), table, columns).equals(last)) {
            rows.remove(rows.size() - 1);
        }
        rows.addAll(read(source, select + " WHERE (" + keys + ") = (" + marks + ")", last, keyTypes, columns.size(),
                false));
        return rows;
    }

    private static List<String> keyOf(List<@Nullable Object> row, Table table, List<String> columns) {
        return table.key().stream().map(k -> String.valueOf(row.get(columns.indexOf(k)))).toList();
    }

    /** The rows a query answers, up to {@value #BATCH_BYTES} bytes of values when {@code budgeted}. */
    private static List<List<@Nullable Object>> read(Connection source, String sql, @Nullable List<String> key,
                                                     List<Integer> keyTypes, int width, boolean budgeted)
            throws SQLException {
        try (PreparedStatement statement = source.prepareStatement(sql)) {
            if (key != null) {
                for (int i = 0; i < key.size(); i++) {
                    bind(statement, i + 1, keyTypes.get(i), key.get(i));
                }
            }
            List<List<@Nullable Object>> rows = new ArrayList<>();
            long bytes = 0;
            try (ResultSet result = statement.executeQuery()) {
                while ((!budgeted || bytes < BATCH_BYTES) && result.next()) {
                    List<@Nullable Object> row = new ArrayList<>(width);
                    for (int i = 1; i <= width; i++) {
                        Object value = result.getObject(i);
                        bytes += value instanceof String text ? text.length() : 8;
                        row.add(value);
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
