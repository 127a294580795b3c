-- fulltext: applied once by `kim migrate`, recorded in schema_migrations.
CREATE VIRTUAL TABLE IF NOT EXISTS node_fts USING fts5(
    names, body, tokenize = 'unicode61 remove_diacritics 2'
);
