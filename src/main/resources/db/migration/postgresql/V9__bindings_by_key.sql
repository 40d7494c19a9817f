-- The bindings reached through their key alone (docs/DECISIONS.md, "Bindings by their key"). Since V7 an identity
-- key's row says who holds the key now, and every write locks that row before it starts or ends one of the key's
-- bindings: the row is the rule that an active identity belongs to one profile at most, which identity_bindings_active
-- kept before, and `tether check` finds any breach of it. The bindings' primary key leads with their key, so that one
-- index serves the history of a key and its active binding: a new binding is written into three indexes, not five.
DROP INDEX identity_bindings_active;
DROP INDEX identity_bindings_history;
ALTER TABLE identity_bindings DROP CONSTRAINT identity_bindings_pkey,
    ADD CONSTRAINT identity_bindings_pkey PRIMARY KEY (account_id, kind, value, binding_id);
