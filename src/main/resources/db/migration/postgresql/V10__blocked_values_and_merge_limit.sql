-- The identity values that identify nobody in an account (docs/API.md section 3, "Blocked values"): NULL for the
-- defaults, else the account's own list as a JSON array of strings (an empty array blocks nothing).
ALTER TABLE accounts ADD COLUMN blocked_values TEXT;
-- How many other profiles one profile may absorb by merges in any 24 hours (docs/API.md section 3, "Merge limit").
ALTER TABLE accounts ADD COLUMN max_merges_per_day INTEGER NOT NULL DEFAULT 25;
