// Graph change log: each graph write logs the nodes it touched at the graph version it made
// (GraphStore.graph_changes), so a cache built from an older version can follow the write
// instead of rebuilding (the search facet index). Complete from KimMeta.graph_log_floor on.
CREATE INDEX kim_change_version IF NOT EXISTS FOR (c:KimChange) ON (c.version);
MERGE (m:KimMeta {id: 'store'}) SET m.graph_log_floor = coalesce(m.graph_log_floor, m.graph, 0);
