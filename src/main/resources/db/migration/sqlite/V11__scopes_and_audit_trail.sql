-- Passcodes with a name, scopes and an expiry (docs/API.md section 20, "Scopes"). A passcode made before keeps all
-- five scopes and is named by its hint; expires_at (epoch s) NULL never expires; last_used_at is the start of the
-- last UTC day it authenticated a request (written once a day at most).
ALTER TABLE passcodes ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE passcodes SET name = hint;
ALTER TABLE passcodes ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read,write,disassociate,delete,audit';
ALTER TABLE passcodes ADD COLUMN expires_at BIGINT;
ALTER TABLE passcodes ADD COLUMN last_used_at BIGINT;

-- The audit trail (docs/API.md section 20, "Audit trail"): one entry per change, written in the transaction of the
-- change. actor is passcode:<name>, console:<name> or cli; action the request's method and path, or the command.
CREATE TABLE audit_entries (
    account_id      TEXT    NOT NULL,
    at              BIGINT  NOT NULL,
    entry_id        TEXT    NOT NULL,
    request_id      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    processed       INTEGER NOT NULL,
    unprocessed     INTEGER NOT NULL,
    idempotency_key TEXT,
    replayed        INTEGER NOT NULL,
    PRIMARY KEY (account_id, at, entry_id)
);
CREATE INDEX audit_entries_by_age ON audit_entries (at);
-- a request's entry: GET /1/audit.json?requestId= (the console's link from a history entry) and tether check
CREATE INDEX audit_entries_by_request ON audit_entries (account_id, request_id);

-- Who started and who ended each binding: the request's id and actor (NULL for bindings older than the audit trail).
ALTER TABLE identity_bindings ADD COLUMN started_request TEXT;
ALTER TABLE identity_bindings ADD COLUMN started_by TEXT;
ALTER TABLE identity_bindings ADD COLUMN ended_request TEXT;
ALTER TABLE identity_bindings ADD COLUMN ended_by TEXT;
