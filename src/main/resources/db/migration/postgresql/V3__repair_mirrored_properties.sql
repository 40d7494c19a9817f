-- Repairs what the merge of releases before V2 could leave: a merge copied the merged profile's Identity, Email
-- or Phone property onto the surviving profile, which may hold another value of that kind (or none). While the kind
-- is an identity of the account, such a property must be the value of the profile's active binding of that kind
-- (the mirror rule, `tether check`): one that is not is removed; the value stays in the merged profile's row and
-- in the identity history. Every other profile is left as it is.

UPDATE profiles SET properties = (properties::jsonb - 'Identity')::text
WHERE merged_into IS NULL
  AND (profiles.properties::jsonb ->> 'Identity') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM identity_bindings b WHERE b.account_id = profiles.account_id
                  AND b.guid = profiles.guid AND b.kind = 'Identity' AND b.ended_at IS NULL AND b.value = (profiles.properties::jsonb ->> 'Identity'));

UPDATE profiles SET properties = (properties::jsonb - 'Email')::text
WHERE merged_into IS NULL
  AND (profiles.properties::jsonb ->> 'Email') IS NOT NULL
  AND EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = profiles.account_id AND a.email_is_identity)
  AND NOT EXISTS (SELECT 1 FROM identity_bindings b WHERE b.account_id = profiles.account_id
                  AND b.guid = profiles.guid AND b.kind = 'Email' AND b.ended_at IS NULL AND b.value = (profiles.properties::jsonb ->> 'Email'));

UPDATE profiles SET properties = (properties::jsonb - 'Phone')::text
WHERE merged_into IS NULL
  AND (profiles.properties::jsonb ->> 'Phone') IS NOT NULL
  AND EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = profiles.account_id AND a.phone_is_identity)
  AND NOT EXISTS (SELECT 1 FROM identity_bindings b WHERE b.account_id = profiles.account_id
                  AND b.guid = profiles.guid AND b.kind = 'Phone' AND b.ended_at IS NULL AND b.value = (profiles.properties::jsonb ->> 'Phone'));
