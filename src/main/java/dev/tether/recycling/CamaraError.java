package dev.tether.recycling;

/**
 * A refusal on the CAMARA path, in CAMARA's terms: the HTTP status, CAMARA's code for it (such as
 * {@code INVALID_ARGUMENT} or {@code OUT_OF_RANGE}), and a message for people.
 */
public final class CamaraError extends RuntimeException {
    private final int status;
    private final String code;

    public CamaraError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static CamaraError invalidArgument(String message) {
        return new CamaraError(400, "INVALID_ARGUMENT", message);
    }
}
