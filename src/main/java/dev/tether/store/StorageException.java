package dev.tether.store;

import java.sql.SQLException;

/** A database error the store could not handle; unexpected, answered as 500. */
public class StorageException extends RuntimeException {
    private final SQLException sqlCause;

    public StorageException(String message, SQLException cause) {
        super(message, cause);
        this.sqlCause = cause;
    }

    public SQLException sqlCause() {
        return sqlCause;
    }
}
