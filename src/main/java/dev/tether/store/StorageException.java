package dev.tether.store;

import java.sql.SQLException;

/** A database error the store could not handle; unexpected, answered as 500. */
public class StorageException extends RuntimeException {
    public StorageException(String message, SQLException cause) {
        super(message, cause);
    }

    public SQLException sqlCause() {
        return (SQLException) getCause();
    }
}
