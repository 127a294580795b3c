-- graph change log: applied once by `kim migrate`, recorded in schema_migrations.
-- Each graph write logs the nodes it touched at the graph version it made (GraphStore.graph_changes),
-- so a cache built from an older version can follow the write instead of rebuilding (the search
-- facet index). The log is complete from `graph_log_floor` on; older versions are pruned.
CREATE TABLE IF NOT EXISTS graph_changes (
    version INTEGER NOT NULL,
    label TEXT NOT NULL,
    id TEXT NOT NULL,
    what TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS graph_changes_by_version ON graph_changes (version);
INSERT OR IGNORE INTO meta (key, value) SELECT 'graph_log_floor', value FROM meta WHERE key = 'graph';
