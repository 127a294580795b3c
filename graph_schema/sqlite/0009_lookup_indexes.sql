-- lookup indexes: applied once by `kim migrate`, recorded in schema_migrations.
-- The adapter spells each property as a literal JSON path, so these expression indexes apply.
-- Every page asks for the account's unread notifications and every recommendation for the
-- account's feedback: one index on (label, account, read) serves both lookups.
CREATE INDEX IF NOT EXISTS nodes_by_account
    ON nodes (label, json_extract(props, '$.account'), json_extract(props, '$.read'));
-- Every call with an API token looks the account up by the token's hash.
CREATE INDEX IF NOT EXISTS nodes_api_token ON nodes (label, json_extract(props, '$.api_token_hash'));
-- Introductions and notifications go to the accounts of an organisation.
CREATE INDEX IF NOT EXISTS nodes_organization_id ON nodes (label, json_extract(props, '$.organization_id'));
CREATE INDEX IF NOT EXISTS nodes_target_org ON nodes (label, json_extract(props, '$.target_org'));
