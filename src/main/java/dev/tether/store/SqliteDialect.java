package dev.tether.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite: lists travel as one JSON array through json_each, so a statement is the same for any list size. */
final class SqliteDialect implements Dialect {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String inList(String column) {
        return column + " IN (SELECT value FROM json_each(?))";
    }

    @Override
    public String listedKeyRows() {
        return "(SELECT kinds.value AS kind, listed_values.value AS value, holders.value AS guid,"
                + " CAST(changes.value AS INTEGER) AS changed_at, kinds.key AS position FROM json_each(?) AS kinds"
                + " JOIN json_each(?) AS listed_values ON listed_values.key = kinds.key"
                + " JOIN json_each(?) AS holders ON holders.key = kinds.key"
                + " JOIN json_each(?) AS changes ON changes.key = kinds.key) AS listed";
    }

    @Override
    public void bindList(PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        try {
            statement.setString(index, JSON.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }

    @Override
    public Optional<String> tryTransactionLock() {
        return Optional.empty();
    }

    @Override
    public Optional<String> transactionLock() {
        return Optional.empty();
    }

    /**
     * SQLite's advice for long-lived connections (https://sqlite.org/pragma.html#pragma_optimize): optimize as the
     * store opens, every hour, and before it closes. With 0x10002 it looks at the size of every table, not
     * only those this connection's queries used: a plain {@code PRAGMA optimize} at close left a table that had
     * grown thirtyfold with the statistics of its first 2,000 rows. It analyzes only a table whose size changed
     * manifold since its last analysis, with a bound on the work, so on a settled database it takes milliseconds.
     */
    @Override
    public Optional<String> statisticsUpkeep() {
        return Optional.of("PRAGMA optimize=0x10002");
    }

    /** None: SQLite's {@code PRAGMA optimize} ({@link #statisticsUpkeep}) checks the tables' growth itself. */
    @Override
    public Optional<String> grownTables() {
        return Optional.empty();
    }

    @Override
    public Optional<String> partitionByAccount() {
        return Optional.empty();
    }

    @Override
    public String analyze(String table) {
        return "ANALYZE \"" + table.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String notIndexed(String expression) {
        return "+" + expression;
    }

    @Override
    public String rowKey(String qualifier, String... keyColumns) {
        return qualifier + "rowid";
    }

    @Override
    public Optional<String> nextval(String sequence) {
        return Optional.empty();
    }

    @Override
    public String lockRowsSkippingLocked(String table) {
        return "";
    }

    /** One writer at a time: it holds the whole database, so there is no row to lock and no lock to wait for. */
    @Override
    public String lockRows() {
        return "";
    }

    @Override
    public String byteOrder(String column) {
        return column;
    }

    @Override
    public String noWait() {
        return "";
    }

    @Override
    public String lockRowsShared() {
        return "";
    }

    @Override
    public boolean isLockNotAvailable(SQLException e) {
        return false;
    }

    @Override
    public String propertiesWithoutKey() {
        return "json_remove(properties, ?)";
    }

    @Override
    public String propertyArgument(String key) {
        return "$.\"" + key.replace("\"", "\\\"") + "\"";
    }

    @Override
    public String propertyText(String column, String key) {
        return "json_extract(" + column + ", '$.\"" + key + "\"')";
    }

    @Override
    public String greatest(String a, String b) {
        return "max(" + a + ", " + b + ")";
    }

    /** A deferred transaction reads one snapshot of the WAL for all its statements. */
    @Override
    public boolean readsShareASnapshot() {
        return true;
    }

    @Override
    public boolean driverKeepsPreparedStatements() {
        return false;
    }

    @Override
    public boolean isConflict(SQLException e) {
        return false;
    }

    @Override
    public boolean isBrokenConnection(SQLException e) {
        return false;
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientException) {
            return true;
        }
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code.code == SQLiteErrorCode.SQLITE_BUSY.code
                    || code.code == SQLiteErrorCode.SQLITE_LOCKED.code
                    || code.code == SQLiteErrorCode.SQLITE_CANTOPEN.code
                    || (code.code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code
                    || (code.code & 0xff) == SQLiteErrorCode.SQLITE_IOERR.code
                    || (code.code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code;
        }
        return false;
    }

    @Override
    public String migrations() {
        return "classpath:db/migration/sqlite";
    }

    @Override
    public String name() {
        return "sqlite";
    }
}
