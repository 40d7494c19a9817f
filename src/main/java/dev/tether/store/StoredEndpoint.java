package dev.tether.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * A webhook endpoint as stored: where it sends, which message types (empty: all), its sealed secret, and its place
 * in the account's outbox (every message up to {@code deliveredSeq} delivered or given up; {@code attempts} failed
 * attempts at the next one, tried again from {@code nextAttemptAt}, epoch ms), and since when it is paused (epoch s).
 */
public record StoredEndpoint(String endpointId, String accountId, String url, List<String> types,
                             String sealedSecret, long createdAt, long deliveredSeq, int attempts,
                             long nextAttemptAt, OptionalLong pausedAt) {
    public StoredEndpoint {
        types = List.copyOf(types);
    }
}
