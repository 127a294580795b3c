// Change tracking per kind of data (kim_network.core.model.DataKind): the counters live on the
// KimMeta node beside the total; the store's uid keys the files built from it (the shared
// projection), so another store's files at the same counter are never taken for this one's.
MERGE (m:KimMeta {id: 'store'})
SET m.changes = coalesce(m.changes, 0), m.graph = coalesce(m.graph, 0),
    m.introductions = coalesce(m.introductions, 0), m.records = coalesce(m.records, 0),
    m.uid = coalesce(m.uid, replace(randomUUID(), '-', ''));
// Leases: at most one process at a time builds what all share (GraphStore.try_lease).
CREATE CONSTRAINT kim_lease_id IF NOT EXISTS FOR (n:KimLease) REQUIRE n.id IS UNIQUE;
