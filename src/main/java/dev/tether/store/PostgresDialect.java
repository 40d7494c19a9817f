package dev.tether.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;

/** PostgreSQL: lists travel as one text[] through = ANY(?); profiles are locked FOR UPDATE in write transactions. */
final class PostgresDialect implements Dialect {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final String DEADLOCK = "40P01";

    @Override
    public String inList(String column) {
        return column + " = ANY(?)";
    }

    @Override
    public void bindList(PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setArray(index, statement.getConnection().createArrayOf("text", values.toArray()));
    }

    @Override
    public String lockRows() {
        return " FOR UPDATE";
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
    public boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return UNIQUE_VIOLATION.equals(state) || SERIALIZATION_FAILURE.equals(state) || DEADLOCK.equals(state);
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException
                || (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")));
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
