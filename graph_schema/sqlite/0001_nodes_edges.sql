-- nodes edges: applied once by `kim migrate`, recorded in schema_migrations.
CREATE TABLE IF NOT EXISTS nodes (
    rowid INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    id TEXT NOT NULL,
    props TEXT NOT NULL,
    UNIQUE (label, id)
);
CREATE TABLE IF NOT EXISTS edges (
    type TEXT NOT NULL,
    src_label TEXT NOT NULL,
    src TEXT NOT NULL,
    dst_label TEXT NOT NULL,
    dst TEXT NOT NULL,
    props TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (type, src_label, src, dst_label, dst)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_by_target ON edges (dst_label, dst, type);
CREATE INDEX IF NOT EXISTS edges_by_source ON edges (src_label, src, type);
