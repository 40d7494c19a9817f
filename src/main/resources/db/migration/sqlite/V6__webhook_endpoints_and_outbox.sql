-- Webhook endpoints of an account. The signing secret is stored sealed (AES-GCM) under a key kept outside the
-- database (the webhook key file), so that a dump of the database alone cannot sign a message. Each endpoint reads
-- the account's outbox through its own cursor: every message up to delivered_seq was delivered or given up;
-- attempts counts the failed attempts at the next one, retried from next_attempt_at (epoch ms). A server delivers
-- for an endpoint only while it holds its lease (lease_owner until lease_until, epoch ms), taken with
-- FOR UPDATE SKIP LOCKED on PostgreSQL, so each message is in flight from one server at a time. A paused endpoint
-- (paused_at set) gets nothing until it is resumed; its messages wait in the outbox.
CREATE TABLE webhook_endpoints (
    endpoint_id     TEXT    NOT NULL PRIMARY KEY,
    account_id      TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    event_types     TEXT    NOT NULL,
    sealed_secret   TEXT    NOT NULL,
    created_at      INTEGER  NOT NULL,
    delivered_seq   INTEGER  NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER  NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER  NOT NULL,
    paused_at       INTEGER
);
CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id);

-- The outbox's commit order per account: a write that has messages takes the next number of its account here for
-- its outbox row, last, just before it commits (SQLite's one writer makes the order of the numbers the order of
-- the commits).
CREATE TABLE webhook_units (
    account_id TEXT    NOT NULL PRIMARY KEY,
    last_unit  INTEGER NOT NULL
);

-- The outbox: one row per transaction that wrote messages, holding its messages numbered first_seq to last_seq
-- (the transaction's number times 2^24, plus the message's place in it), one a line: "<message id> TAB <type> TAB <payload>", the payload being the
-- change's fields, tab-separated and escaped, from which the body is made when it is sent. One row, not one per
-- message, and no JSON: a disassociation of 1000 numbers writes one row of about 100 KB and one index entry. Every endpoint of the account reads it in seq order; a row is
-- pruned once every endpoint is past it and the retention is over.
CREATE TABLE webhook_outbox (
    account_id TEXT   NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    messages   TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, first_seq)
);
CREATE INDEX webhook_outbox_by_age ON webhook_outbox (created_at);

-- Every delivery attempt (webhook deliveries), pruned with the messages' retention.
CREATE TABLE webhook_attempts (
    endpoint_id  TEXT    NOT NULL,
    seq          INTEGER  NOT NULL,
    attempt      INTEGER NOT NULL,
    message_id   TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    attempted_at INTEGER  NOT NULL,
    duration_ms  INTEGER  NOT NULL,
    http_status  INTEGER,
    error        TEXT,
    outcome      TEXT    NOT NULL
);
CREATE INDEX webhook_attempts_by_time ON webhook_attempts (endpoint_id, attempted_at);
CREATE INDEX webhook_attempts_by_age ON webhook_attempts (attempted_at);
