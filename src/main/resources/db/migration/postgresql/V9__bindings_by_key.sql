-- The bindings' primary key leads with their identity key (docs/DECISIONS.md, "Bindings by their key"), so that one
-- index finds a key's whole history: the history index goes, and a new binding is written into four indexes, not
-- five. The unique index on the active bindings stays: it is the database's own guard that an active identity
-- belongs to one profile at most, beside the key rows the lock order writes.
DROP INDEX identity_bindings_history;
ALTER TABLE identity_bindings DROP CONSTRAINT identity_bindings_pkey,
    ADD CONSTRAINT identity_bindings_pkey PRIMARY KEY (account_id, kind, value, binding_id);
