-- Half-full pages for key rows (docs/DECISIONS.md, "Key rows on half-full pages"). A write that makes a key's row
-- without knowing yet who will hold it makes it naming nobody when it locks its keys, then gives it its holder when
-- it ends. Room on the page for the second version lets PostgreSQL write it there without a new entry in the primary
-- key's index (a heap-only update: neither guid nor changed_at is indexed). Pages written from now on; a partitioned
-- identity_keys (tether migrate --partitions) gives the setting to each of its partitions.
ALTER TABLE identity_keys SET (fillfactor = 50);
