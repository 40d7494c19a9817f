-- Idempotency-Key: the key, a hash of the request it came with, and the answer, stored in the transaction of the
-- write itself: a retry with the key gets the stored answer and writes nothing. Keys are per account; a key older
-- than 24 hours is expired (a retry with it runs again) and is purged in small batches by created_at.
CREATE TABLE idempotency_keys (
    account_id      TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER  NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Every binding a profile ever held (GET /1/identity/history.json?objectId=), and the bindings a delete makes
-- forget their profile, through an index rather than a scan of the account's history.
CREATE INDEX identity_bindings_by_profile ON identity_bindings (account_id, guid);
