-- Tether on PostgreSQL with its account data hash-partitioned by account_id (docs/DECISIONS.md, "Partitioned by
-- account"): every table whose key starts with account_id becomes a table of {partitions} partitions, each account's
-- rows in one of them, the shape Citus distributes. Run by `tether migrate --partitions N` after the migrations, on a
-- fresh or a populated database; a table already partitioned is left as it is. The rows are copied in this one
-- transaction, which holds every one of these tables against writes until it commits, and a big database takes its
-- time and its disk twice over while it runs: partition before the servers start.
DO $partition$
DECLARE
    data_tables CONSTANT text[] := ARRAY['passcodes', 'audit_entries', 'profiles', 'identity_bindings', 'identity_keys', 'events', 'profile_merges',
                                         'subscriptions', 'idempotency_keys', 'webhook_outbox'];
    partitions CONSTANT int := {partitions};
    t text;
    definitions text[];
    definition text;
    options text;
BEGIN
    FOREACH t IN ARRAY data_tables LOOP
        -- a table of a later version than the schema's (partitioned before it was migrated that far) is left to then
        IF to_regclass(format('%I', t)) IS NULL THEN
            CONTINUE;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
                   WHERE c.relname = t AND c.relnamespace = current_schema()::regnamespace) THEN
            CONTINUE;
        END IF;
        -- the table's keys and indexes as they are now, under their own names, to be made again on the new table
        SELECT array_agg(d ORDER BY n) INTO definitions FROM (
            SELECT 0 AS n, format('ALTER TABLE %I ADD CONSTRAINT %I %s', t, con.conname, pg_get_constraintdef(con.oid)) AS d
            FROM pg_constraint con WHERE con.conrelid = format('%I', t)::regclass AND con.contype IN ('p', 'u')
            UNION ALL
            SELECT 1, pg_get_indexdef(i.indexrelid)
            FROM pg_index i WHERE i.indrelid = format('%I', t)::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
        ) AS found;
        -- and its grants (a role that serves but does not own the tables keeps its access)
        SELECT coalesce(array_agg(format('GRANT %s ON %I TO %s', a.privilege_type, t,
                                         CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)),
                        ARRAY[]::text[]) || coalesce(definitions, ARRAY[]::text[])
        INTO definitions
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = format('%I', t)::regclass AND a.grantee <> c.relowner;
        -- its storage parameters (identity_keys' fillfactor), which each partition takes: a partitioned table has none
        SELECT coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') INTO options
        FROM pg_class c WHERE c.oid = format('%I', t)::regclass;
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_unpartitioned');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING STORAGE) PARTITION BY HASH (account_id)',
                       t, t || '_unpartitioned');
        FOR i IN 0 .. partitions - 1 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)%s',
                           t || '_p' || i, t, partitions, i, options);
        END LOOP;
        EXECUTE format('INSERT INTO %I SELECT * FROM %I', t, t || '_unpartitioned');
        EXECUTE format('DROP TABLE %I', t || '_unpartitioned');
        FOREACH definition IN ARRAY definitions LOOP
            EXECUTE definition;
        END LOOP;
    END LOOP;
END
$partition$;
