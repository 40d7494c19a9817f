-- One row per identity key (account, kind, value) ever bound: the profile that holds it now (NULL when nobody
-- does) and when its history last changed. Every start and every end of one of its bindings writes this row, and a
-- write locks the rows of the keys it may change before it reads their bindings (docs/DECISIONS.md, "Concurrency:
-- one lock order"), so two writes that change one key's history always meet on a row, even when nobody holds it.
-- identity_bindings stays the history.
CREATE TABLE identity_keys (
    account_id TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    guid       TEXT,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, kind, value)
);

INSERT INTO identity_keys (account_id, kind, value, guid, changed_at)
SELECT b.account_id, b.kind, b.value,
       MAX(CASE WHEN b.ended_at IS NULL THEN b.guid END),
       MAX(COALESCE(b.ended_at, b.started_at))
FROM identity_bindings b
GROUP BY b.account_id, b.kind, b.value;
