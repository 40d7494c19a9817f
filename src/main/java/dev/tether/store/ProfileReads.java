package dev.tether.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Profiles and their merges, as read. */
public interface ProfileReads {
    /** The given profiles that exist, by GUID. In a write transaction they are locked until it ends. */
    Map<String, StoredProfile> find(String accountId, Collection<String> guids);

    /** Whether the account has any profile at all. */
    boolean any(String accountId);

    /** Profiles merged into any of the given ones (through the index of merged profiles). */
    List<String> mergedInto(String accountId, Collection<String> guids);

    /** The merges into the given profiles, oldest first. */
    List<MergeRecord> mergesInto(String accountId, Collection<String> guids);
}
