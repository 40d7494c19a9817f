-- The identity values that identify nobody in an account (docs/API.md section 7d, DECISIONS.md "Blocked values"):
-- NULL for the defaults, else the account's own list as a JSON array of strings (an empty array blocks nothing).
ALTER TABLE accounts ADD COLUMN blocked_values TEXT;
