package dev.tether.store;

import java.util.Collection;

/** Profiles and their merges, written. Only the identity core calls these. */
public interface ProfileWrites extends ProfileReads {
    void insert(String accountId, Collection<StoredProfile> profiles);

    /** Writes the properties, the time of the update and the profile each was merged into (none after a demerge). */
    void update(String accountId, Collection<StoredProfile> profiles);

    /** Removes one property key from the given profiles, set-based. */
    void removeProperty(String accountId, Collection<String> guids, String key, long at);

    /**
     * Records a merge: the profile answers to {@code into} from now on, and so does every profile that was merged
     * into it (no chains).
     */
    void merge(String accountId, MergeRecord merge);

    /** A demerge: the records of the merges of these profiles are gone; each answers for itself again. */
    void forgetMerges(String accountId, Collection<String> guids);

    /** Deletes the profiles and the records of merges into or from them. */
    void delete(String accountId, Collection<String> guids);
}
