// Shared attempt counters (failed logins per account and per address, ...): not graph data,
// never exported; `Neo4jStore.bump_counter` is their only writer. The constraint makes the
// MERGE of a new counter safe under concurrent bumps and backs the look-up by key.
CREATE CONSTRAINT kim_counter_key IF NOT EXISTS FOR (c:KimCounter) REQUIRE c.key IS UNIQUE;
CREATE INDEX kim_counter_expires IF NOT EXISTS FOR (c:KimCounter) ON (c.expires);
