package dev.tether.store;

import dev.tether.identity.IdentityKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Profiles and their merges, as read. */
public interface ProfileReads {
    /**
     * The given profiles that exist, by GUID. In a write transaction they are locked as {@code lock} says (in GUID
     * order, waiting or not: see {@link RowLock}) until it ends.
     */
    Map<String, StoredProfile> find(String accountId, Collection<String> guids, RowLock lock);

    /**
     * Locks the given profiles' rows until the write transaction ends, in GUID order (the one lock order of every
     * writer), without reading their properties, where writers run at once (PostgreSQL); nothing where one writer
     * runs at a time (SQLite) or outside a write.
     */
    void lock(String accountId, Collection<String> guids, RowLock lock);

    /**
     * The live profile the first of these keys with an active binding names, followed along its merges, with all its
     * record shows: one statement.
     */
    Optional<ProfileView> view(String accountId, List<IdentityKey> keys);

    /** The live profile this GUID names (itself, or the one it was merged into), as {@link #view(String, List)}. */
    Optional<ProfileView> view(String accountId, String guid);

    /** Whether the account has any profile at all. */
    boolean any(String accountId);

    /**
     * Profiles merged into any of the given ones (through the index of merged profiles), in GUID order; locked in a
     * write as {@code lock} says.
     */
    List<String> mergedInto(String accountId, Collection<String> guids, RowLock lock);

    /** The merges into the given profiles, oldest first. */
    List<MergeRecord> mergesInto(String accountId, Collection<String> guids);

    /**
     * The next live profiles after {@code afterGuid}, in GUID order, at most {@code limit}, that did an event of the
     * range: a page of the profiles export, read by a seek on the profiles' key, never by an offset.
     */
    List<StoredProfile> doing(String accountId, EventRange range, String afterGuid, int limit);
}
