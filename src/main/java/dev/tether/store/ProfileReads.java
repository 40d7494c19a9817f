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

    /** Profiles merged into any of the given ones (through the index of merged profiles), in GUID order. */
    List<String> mergedInto(String accountId, Collection<String> guids);

    /** The merges into the given profiles, oldest first. */
    List<MergeRecord> mergesInto(String accountId, Collection<String> guids);

    /**
     * The next live profiles after {@code afterGuid}, in GUID order, at most {@code limit}, that did an event of the
     * range: a page of the profiles export, read by a seek on the profiles' key, never by an offset.
     */
    List<StoredProfile> doing(String accountId, EventRange range, String afterGuid, int limit);
}
