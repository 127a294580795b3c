-- change tracking: applied once by `kim migrate`, recorded in schema_migrations.
-- One change counter per kind of data (kim_network.core.model.DataKind) beside the total, so
-- caches built from the graph are not thrown away by writes of platform records.
INSERT OR IGNORE INTO meta (key, value) VALUES ('graph', 0), ('introductions', 0), ('records', 0);
-- The store's identity: files built from it (the shared projection) are keyed by it.
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO store_info (key, value) VALUES ('uid', lower(hex(randomblob(16))));
-- Leases: at most one process at a time builds what all share (GraphStore.try_lease).
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL);
