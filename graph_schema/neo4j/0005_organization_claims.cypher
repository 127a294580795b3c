// An unapproved account's organisation is a claim staff confirm, not a link
// (kim_network.services.registration): move what older registrations stored as the link.
MATCH (a:Account)
WHERE a.approved = false AND a.organization_id IS NOT NULL AND a.claimed_organization_id IS NULL
SET a.claimed_organization_id = a.organization_id
REMOVE a.organization_id;
MERGE (m:KimMeta {id: 'store'}) SET m.changes = coalesce(m.changes, 0) + 1;
