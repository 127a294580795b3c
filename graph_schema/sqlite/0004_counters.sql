-- counters: applied once by `kim migrate`, recorded in schema_migrations.
-- Shared attempt counters (failed logins per account and per address, ...): not graph data,
-- never exported, no change-counter bump; `GraphStore.bump_counter` is their only writer.
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires);
