-- filter indexes: applied once by `kim migrate`, recorded in schema_migrations.
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (label, json_extract(props, '$.kind'));
CREATE INDEX IF NOT EXISTS nodes_email ON nodes (label, json_extract(props, '$.email'));
