package dev.tether.batch;

/** One record of a batch cannot be processed; the rest of the batch goes on. */
public class RecordRejected extends RuntimeException {
    private final int code;

    public RecordRejected(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
