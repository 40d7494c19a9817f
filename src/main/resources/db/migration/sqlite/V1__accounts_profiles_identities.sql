-- Every primary key starts with the account id, and every statement filters on it.
CREATE TABLE accounts (
    account_id        TEXT    NOT NULL PRIMARY KEY,
    name              TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    email_is_identity INTEGER NOT NULL,
    phone_is_identity INTEGER NOT NULL,
    conflict_policy   TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
);

CREATE TABLE passcodes (
    account_id    TEXT    NOT NULL,
    passcode_hash TEXT    NOT NULL,
    hint          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    PRIMARY KEY (account_id, passcode_hash)
);

CREATE TABLE profiles (
    account_id  TEXT    NOT NULL,
    guid        TEXT    NOT NULL,
    properties  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    merged_into TEXT,
    PRIMARY KEY (account_id, guid)
);

-- A binding is one row for its whole life: the history is the table itself.
CREATE TABLE identity_bindings (
    account_id   TEXT    NOT NULL,
    binding_id   TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    guid         TEXT,
    started_at   INTEGER NOT NULL,
    start_reason TEXT    NOT NULL,
    ended_at     INTEGER,
    end_reason   TEXT,
    PRIMARY KEY (account_id, binding_id)
);

-- The uniqueness rule: an active identity belongs to at most one profile.
CREATE UNIQUE INDEX identity_bindings_active ON identity_bindings (account_id, kind, value) WHERE ended_at IS NULL;
CREATE INDEX identity_bindings_history ON identity_bindings (account_id, kind, value, started_at);
CREATE INDEX identity_bindings_of_profile ON identity_bindings (account_id, guid) WHERE ended_at IS NULL;

CREATE TABLE events (
    account_id TEXT    NOT NULL,
    guid       TEXT    NOT NULL,
    event_id   TEXT    NOT NULL,
    evt_name   TEXT    NOT NULL,
    ts         INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    PRIMARY KEY (account_id, guid, event_id)
);

CREATE INDEX events_by_name ON events (account_id, evt_name, ts);
