-- Address-level subscription status (POST /1/subscribe): it belongs to the phone number or email address, not to a
-- profile, so it holds for whoever uses the address now or later. One row per address; the latest status wins.
CREATE TABLE subscriptions (
    account_id TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    updated_at INTEGER  NOT NULL,
    PRIMARY KEY (account_id, kind, value)
);

-- Exports page through the events of one name in (ts, event_id) order, by key: the index serves every page as a
-- seek, where the index on (account_id, evt_name, ts) alone would sort the rest of the range for each page.
DROP INDEX events_by_name;
CREATE INDEX events_by_name ON events (account_id, evt_name, ts, event_id);

-- Keys every server of a fleet shares, made by the first server that needs one: the key that signs export cursors,
-- so that a cursor made by one server is read by any other.
CREATE TABLE server_keys (
    name       TEXT    NOT NULL PRIMARY KEY,
    key_value  TEXT    NOT NULL,
    created_at INTEGER  NOT NULL
);
