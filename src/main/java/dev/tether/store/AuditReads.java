package dev.tether.store;

import java.util.List;
import java.util.Optional;

/** The audit trail, read. */
public interface AuditReads {
    /**
     * At most {@code limit} entries of the account from {@code from} (epoch s, included) until {@code until}
     * (excluded), of one request when {@code requestId} names one, after the entry ({@code afterAt},
     * {@code afterId}), in the order of their time and then their id.
     */
    List<AuditEntry> page(String accountId, long from, long until, Optional<String> requestId, long afterAt,
                          String afterId, int limit);
}
