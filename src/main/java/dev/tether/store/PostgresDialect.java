package dev.tether.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * PostgreSQL: lists travel as one text[] through = ANY(?); the rows a write decides on are locked FOR UPDATE, in the one
 * order (DECISIONS.md, "Concurrency: one lock order").
 */
final class PostgresDialect implements Dialect {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DEADLOCK = "40P01";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    @Override
    public String inList(String column) {
        return column + " = ANY(?)";
    }

    @Override
    public String listedKeyRows() {
        return "(SELECT kind, value, guid, changed_at::bigint AS changed_at, position"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY"
                + " AS key_rows(kind, value, guid, changed_at, position)) AS listed";
    }

    @Override
    public void bindList(PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setArray(index, statement.getConnection().createArrayOf("text", values.toArray()));
    }

    /** Two-int advisory locks, of one Idempotency-Key or one account's outbox. */
    @Override
    public Optional<String> tryTransactionLock() {
        return Optional.of("SELECT pg_try_advisory_xact_lock(?, ?)");
    }

    @Override
    public Optional<String> transactionLock() {
        return Optional.of("SELECT pg_advisory_xact_lock(?, ?)");
    }

    /** Autovacuum analyzes each table as it grows; nothing to run from here. */
    @Override
    public Optional<String> statisticsUpkeep() {
        return Optional.empty();
    }

    /**
     * The tables that changed by at least as many rows as they held at their last analysis (and by at least a
     * thousand): a table never analyzed counts as empty, so a fresh table is analyzed once it holds a thousand rows,
     * then at twice, four times that, while autovacuum visits each database once a minute and analyzes a table only
     * after a tenth of it changed. Only tables the server's role may analyze (it owns them, or is a superuser):
     * others would be skipped with a warning, every few seconds. Partitions are listed as tables of their own, as
     * autovacuum analyzes them.
     */
    @Override
    public Optional<String> grownTables() {
        return Optional.of("SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
                + " WHERE s.schemaname = current_schema() AND s.relname <> 'flyway_schema_history'"
                + " AND pg_has_role(c.relowner, 'USAGE')"
                + " AND s.n_mod_since_analyze >= GREATEST(1000, c.reltuples) ORDER BY s.relname");
    }

    @Override
    public Optional<String> partitionByAccount() {
        try (InputStream script = PostgresDialect.class.getResourceAsStream("/db/partition-by-account.sql")) {
            if (script == null) {
                throw new IllegalStateException("db/partition-by-account.sql is missing from the build");
            }
            return Optional.of(new String(script.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String analyze(String table) {
        return "ANALYZE (SKIP_LOCKED) \"" + table.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String notIndexed(String expression) {
        return expression;
    }

    @Override
    public String rowKey(String qualifier, String... keyColumns) {
        return Arrays.stream(keyColumns).map(column -> qualifier + column)
                .collect(Collectors.joining(", "));
    }

    @Override
    public Optional<String> nextval(String sequence) {
        return Optional.of("SELECT nextval('" + sequence + "')");
    }

    @Override
    public String lockRowsSkippingLocked(String table) {
        return " FOR UPDATE OF " + table + " SKIP LOCKED";
    }

    @Override
    public String lockRows() {
        return " FOR UPDATE";
    }

    @Override
    public String byteOrder(String column) {
        return column + " COLLATE \"C\"";
    }

    @Override
    public String noWait() {
        return " NOWAIT";
    }

    @Override
    public String lockRowsShared() {
        return " FOR SHARE";
    }

    @Override
    public boolean isLockNotAvailable(SQLException e) {
        return LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    @Override
    public String propertiesWithoutKey() {
        return "(properties::jsonb - ?)::text";
    }

    @Override
    public String propertyArgument(String key) {
        return key;
    }

    @Override
    public String propertyText(String column, String key) {
        return "(" + column + "::jsonb ->> '" + key + "')";
    }

    @Override
    public String greatest(String a, String b) {
        return "GREATEST(" + a + ", " + b + ")";
    }

    /** Reads run in autocommit: each statement sees the latest commits; a read transaction would only add a COMMIT. */
    @Override
    public boolean readsShareASnapshot() {
        return false;
    }

    @Override
    public boolean driverKeepsPreparedStatements() {
        return true;
    }

    @Override
    public boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return UNIQUE_VIOLATION.equals(state) || CONFLICT_STATE.equals(state) || DEADLOCK.equals(state);
    }

    /** Connection exceptions (class 08) and the server ending the session (57P01 to 57P03). */
    @Override
    public boolean isBrokenConnection(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        return e instanceof SQLTransientException || isBrokenConnection(e) || "53300".equals(e.getSQLState())
                || isLockNotAvailable(e);
    }

    @Override
    public String migrations() {
        return "classpath:db/migration/postgresql";
    }

    @Override
    public String name() {
        return "postgresql";
    }
}
