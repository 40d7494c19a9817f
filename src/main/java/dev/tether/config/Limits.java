package dev.tether.config;

/** The limits of API.md section 1, configurable per server; {@link #defaults()} are the documented ones. */
public record Limits(int recordsPerRequest, long maxBodyBytes, int maxKeyBytes, int maxValueBytes,
                     int maxCustomKeys, int maxEventDataKeys) {

    public static Limits defaults() {
        return new Limits(1000, 16L * 1024 * 1024, 120, 512, 256, 256);
    }
}
