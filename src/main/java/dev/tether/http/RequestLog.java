package dev.tether.http;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which requests get a line in the request log ({@code --request-log}). A line per request costs real CPU at
 * thousands of requests a second, so {@link #SAMPLED} keeps the lines an operator reads (every error but a 429,
 * every slow request) and one in {@value #ONE_IN} of the rest.
 */
public enum RequestLog {
    OFF, SAMPLED, ALL;

    /** Of the requests that are neither errors nor slow, a sampled log keeps one in this many. */
    static final int ONE_IN = 100;
    /** A request that took this long is always logged when sampling. */
    static final float SLOW_MS = 1000;

    /**
     * Whether a finished request gets its line.
     *
     * @param ordinarySeen the server's count of finished requests that were neither errors nor slow (sampling keeps
     *                     every {@value #ONE_IN}th of them); counted here
     */
    boolean logs(int status, float millis, AtomicLong ordinarySeen) {
        return switch (this) {
            case OFF -> false;
            case ALL -> true;
            case SAMPLED -> (status >= 400 && status != 429) || millis >= SLOW_MS
                    || ordinarySeen.getAndIncrement() % ONE_IN == 0;
        };
    }

    /** The option's value: off, sampled or all. */
    public static RequestLog parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--request-log must be off, sampled or all, not '" + value + "'", e);
        }
    }
}
