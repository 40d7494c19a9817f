package dev.tether.store;

/** The database cannot be reached or is busy beyond the wait: the caller may retry, nothing was written. */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
