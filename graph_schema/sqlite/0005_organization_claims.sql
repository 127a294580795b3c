-- organization claims: applied once by `kim migrate`, recorded in schema_migrations.
-- An unapproved account's organisation is a claim staff confirm, not a link
-- (kim_network.services.registration): move what older registrations stored as the link.
UPDATE nodes
SET props = json_remove(json_set(props, '$.claimed_organization_id', json_extract(props, '$.organization_id')),
                        '$.organization_id')
WHERE label = 'Account'
  AND json_extract(props, '$.approved') = 0
  AND json_extract(props, '$.organization_id') IS NOT NULL
  AND json_extract(props, '$.claimed_organization_id') IS NULL;
UPDATE meta SET value = value + 1 WHERE key = 'changes';
