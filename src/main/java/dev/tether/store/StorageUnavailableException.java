package dev.tether.store;

import org.jspecify.annotations.Nullable;

/** The database cannot be reached or is busy beyond the wait: the caller may retry, nothing was written. */
public class StorageUnavailableException extends RuntimeException {
    private final boolean unreachable;

    public StorageUnavailableException(String message, @Nullable Throwable cause) {
        this(message, cause, false);
    }

    StorageUnavailableException(String message, @Nullable Throwable cause, boolean unreachable) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    /** Whether no connection could be had at all (the database is down), rather than the database being busy. */
    boolean unreachable() {
        return unreachable;
    }
}
