-- ranked full text: applied once by `kim migrate`, recorded in schema_migrations.
-- One pair of FTS5 tables per kind of document (organisations and people, projects,
-- skills), one table per language: English through FTS5's Porter stemmer, German as text
-- the adapter stems with Snowball's German stemmer before it is written (FTS5 has no German
-- stemmer). Each row's rowid is the node's rowid in `nodes`. `names` are what a thing is
-- called (weighted higher), `body` what it is about. The adapter fills the tables for the
-- nodes that exist when this migration is applied.
CREATE VIRTUAL TABLE IF NOT EXISTS member_fts_en USING fts5(
    names, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS member_fts_de USING fts5(
    names, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS project_fts_en USING fts5(
    names, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS project_fts_de USING fts5(
    names, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS skill_fts_en USING fts5(
    names, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS skill_fts_de USING fts5(
    names, body, tokenize = 'unicode61 remove_diacritics 2');
