package dev.tether.store;

import org.jspecify.annotations.Nullable;

/**
 * The database cannot be reached or is busy beyond the wait: the caller may retry. Nothing was written, unless the
 * connection broke during the commit itself ({@link #outcomeUnknown}), when the write may have been applied whole.
 */
public class StorageUnavailableException extends RuntimeException {
    private final boolean unreachable;
    private final boolean outcomeUnknown;

    public StorageUnavailableException(String message, @Nullable Throwable cause) {
        this(message, cause, false, false);
    }

    StorageUnavailableException(String message, @Nullable Throwable cause, boolean unreachable,
                                boolean outcomeUnknown) {
        super(message, cause);
        this.unreachable = unreachable;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** Whether the connection broke during the commit, so that the write may or may not have been applied. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /** Whether no connection could be had at all (the database is down), rather than the database being busy. */
    boolean unreachable() {
        return unreachable;
    }
}
