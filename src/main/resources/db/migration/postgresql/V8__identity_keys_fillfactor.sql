-- A key row is written twice by the write that makes it: made (naming nobody) when the write locks its keys, then
-- given its holder when the write ends (docs/DECISIONS.md, "Key rows: half-full pages"). Half-full pages leave room
-- for the second version beside the first, so PostgreSQL updates the row in its page without a new entry in the
-- primary key's index (a heap-only update: neither guid nor changed_at is indexed). Pages written from now on; a
-- partitioned identity_keys (tether migrate --partitions) gives the setting to each of its partitions.
ALTER TABLE identity_keys SET (fillfactor = 50);
