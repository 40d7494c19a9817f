-- The bindings' primary key leads with their identity key (docs/DECISIONS.md, "Bindings by their key"), so that one
-- index finds a key's whole history: the history index goes, and a new binding is written into five b-trees, not
-- six. The unique index on the active bindings stays: it is the database's own guard that an active identity
-- belongs to one profile at most, beside the key rows. The key rows become a table ordered by its key
-- (WITHOUT ROWID): one b-tree a row, not two. The bindings stay a rowid table: made WITHOUT ROWID, with no
-- statistics yet the planner walked an account's bindings by their key for a read by profile. SQLite changes a
-- table's key only by making the table again.
CREATE TABLE identity_bindings_by_key (
    account_id   TEXT    NOT NULL,
    binding_id   TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    guid         TEXT,
    started_at   INTEGER NOT NULL,
    start_reason TEXT    NOT NULL,
    ended_at     INTEGER,
    end_reason   TEXT,
    PRIMARY KEY (account_id, kind, value, binding_id)
);
INSERT INTO identity_bindings_by_key (account_id, binding_id, kind, value, guid, started_at, start_reason, ended_at,
                                      end_reason)
SELECT account_id, binding_id, kind, value, guid, started_at, start_reason, ended_at, end_reason
FROM identity_bindings ORDER BY account_id, kind, value, binding_id;
DROP TABLE identity_bindings;
ALTER TABLE identity_bindings_by_key RENAME TO identity_bindings;
CREATE UNIQUE INDEX identity_bindings_active ON identity_bindings (account_id, kind, value) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX identity_bindings_of_profile ON identity_bindings (account_id, guid, kind) WHERE ended_at IS NULL;
CREATE INDEX identity_bindings_by_profile ON identity_bindings (account_id, guid);

CREATE TABLE identity_keys_by_key (
    account_id TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    guid       TEXT,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, kind, value)
) WITHOUT ROWID;
INSERT INTO identity_keys_by_key (account_id, kind, value, guid, changed_at)
SELECT account_id, kind, value, guid, changed_at FROM identity_keys ORDER BY account_id, kind, value;
DROP TABLE identity_keys;
ALTER TABLE identity_keys_by_key RENAME TO identity_keys;
