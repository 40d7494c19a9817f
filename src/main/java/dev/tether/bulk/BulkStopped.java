package dev.tether.bulk;

/** A bulk run that cannot go on: why, and the exit code the command ends with (its state is saved). */
public final class BulkStopped extends Exception {
    private final int exitCode;

    public BulkStopped(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
