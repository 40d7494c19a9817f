-- A record of every merge: which profile was merged into which, when, and which property keys the merge copied
-- into the survivor (what a demerge needs to give the merged profile back whole). Merges made before this
-- version are recorded from profiles.merged_into, with the time of the profile's last update and no copied keys.
CREATE TABLE profile_merges (
    account_id  TEXT    NOT NULL,
    merge_id    TEXT    NOT NULL,
    from_guid   TEXT    NOT NULL,
    into_guid   TEXT    NOT NULL,
    merged_at   INTEGER NOT NULL,
    copied_keys TEXT    NOT NULL,
    PRIMARY KEY (account_id, merge_id)
);
CREATE INDEX profile_merges_into ON profile_merges (account_id, into_guid);
CREATE INDEX profile_merges_from ON profile_merges (account_id, from_guid);

INSERT INTO profile_merges (account_id, merge_id, from_guid, into_guid, merged_at, copied_keys)
SELECT account_id, guid, guid, merged_into, updated_at, '[]' FROM profiles WHERE merged_into IS NOT NULL;

-- "Profiles merged into X" through an index, not a scan of the account.
CREATE INDEX profiles_merged_into ON profiles (account_id, merged_into) WHERE merged_into IS NOT NULL;

-- The GUID an event arrived under, kept when a merge moves it to the survivor. NULL (every event written before
-- this version) means the GUID it has now; a merge fills it in before it moves the event. So the upgrade does
-- not rewrite the events table.
ALTER TABLE events ADD COLUMN arrived_as TEXT;

-- A profile holds at most one active binding of each kind: a database constraint, like the uniqueness of an
-- active identity. It replaces the index of active bindings by profile, which it also serves as.
DROP INDEX identity_bindings_of_profile;
CREATE UNIQUE INDEX identity_bindings_of_profile ON identity_bindings (account_id, guid, kind) WHERE ended_at IS NULL;
