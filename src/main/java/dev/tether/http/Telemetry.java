package dev.tether.http;

/**
 * What the server tells its operators: whether it serves {@code GET /metrics} (and measures requests for it), and
 * which requests get a line in the request log.
 */
public record Telemetry(boolean metrics, RequestLog requestLog) {
    public static Telemetry defaults() {
        return new Telemetry(true, RequestLog.ALL);
    }
}
