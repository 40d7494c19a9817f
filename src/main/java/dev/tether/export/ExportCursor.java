package dev.tether.export;

import dev.tether.store.EventRange;

/**
 * Where an export stands: whose it is, what it reads, how many records a page holds, the key of the last record
 * sent ({@code afterTs}, {@code afterKey}: an event's time and id, or a profile's GUID) and until when it may be
 * used. What a cursor token carries, signed.
 */
public record ExportCursor(String accountId, ExportKind kind, EventRange range, int batchSize, long afterTs,
                           String afterKey, long expiresAt) {

    /** The first cursor of an export: before every record of the range. */
    static ExportCursor start(String accountId, ExportKind kind, EventRange range, int batchSize, long expiresAt) {
        return new ExportCursor(accountId, kind, range, batchSize, Long.MIN_VALUE, "", expiresAt);
    }

    ExportCursor after(long ts, String key, long newExpiry) {
        return new ExportCursor(accountId, kind, range, batchSize, ts, key, newExpiry);
    }
}
