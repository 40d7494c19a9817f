package dev.tether.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** A store on a JDBC database: transactions, retries on conflicts, and error translation. */
public final class JdbcStore implements Store {
    private static final int MAX_ATTEMPTS = 8;

    private final Dialect dialect;
    private final DataSource writer;
    private final DataSource reader;
    private final List<HikariDataSource> pools;

    JdbcStore(Dialect dialect, HikariDataSource writer, HikariDataSource reader) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.pools = writer == reader ? List.of(writer) : List.of(writer, reader);
    }

    /** Brings the schema to the newest migration of this backend. */
    void migrate() {
        Flyway.configure()
                .dataSource(writer)
                .locations(dialect.migrations())
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    @Override
    public <R> R read(Work<ReadTx, R> work) {
        try {
            return inTransaction(reader, false, work::apply);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public <R> R write(Work<WriteTx, R> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(writer, true, work::apply);
            } catch (SQLException e) {
                if (!dialect.isConflict(e) || attempt == MAX_ATTEMPTS) {
                    throw translate(e);
                }
                backOff(attempt);
            }
        }
    }

    private <R> R inTransaction(DataSource source, boolean writable, Work<JdbcTx, R> work) throws SQLException {
        try (Connection connection = source.getConnection()) {
            connection.setAutoCommit(false);
            try {
                R result = work.apply(new JdbcTx(connection, dialect, writable));
                connection.commit();
                return result;
            } catch (StorageException e) {
                rollbackQuietly(connection);
                throw e.sqlCause();
            } catch (RuntimeException | SQLException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will discard it and the transaction is gone with it
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep((long) (Math.random() * 5 * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while retrying a transaction", e);
        }
    }

    private RuntimeException translate(SQLException e) {
        if (dialect.isUnavailable(e)) {
            return new StorageUnavailableException("database unavailable: " + e.getMessage(), e);
        }
        return new StorageException("database error: " + e.getMessage(), e);
    }

    @Override
    public boolean isAvailable() {
        try (Connection connection = reader.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String backendName() {
        return dialect.name();
    }

    @Override
    public void close() {
        pools.forEach(HikariDataSource::close);
    }
}
