"""The Neo4j store's coordination between processes: leases and shared counters (attempt limits)."""
from __future__ import annotations

import time

from kim_network.store.common import check_counter

# One statement per bump. MERGE is safe under concurrency thanks to the unique key
# (graph_schema/neo4j/0004_counters.cypher); `SET c.touched` takes the node's write lock
# before the count is read, so concurrent bumps queue up instead of losing updates.
_BUMP = (
    "MERGE (c:KimCounter {key: $key}) ON CREATE SET c.count = 0, c.expires = $expires "
    "SET c.touched = $now "
    "WITH c, c.expires <= $now AS over "
    "WITH c, over, CASE WHEN over THEN 0 ELSE c.count END + $delta AS next "
    "SET c.count = CASE WHEN next < 0 THEN 0 ELSE next END, "
    "    c.expires = CASE WHEN over THEN $expires ELSE c.expires END "
    "RETURN c.count AS count"
)



class Coordination:
    """Leases and counters; neither is data, so no change counter moves (mixed into `Neo4jStore`)."""

    def try_lease(self, name, owner, seconds):
        def work(tx):
            # Writing `locked_at` first takes the node's write lock, so the owner and expiry
            # read after it are the committed ones: two processes cannot both take the lease.
            return tx.run(
                "MERGE (l:KimLease {id: $name}) SET l.locked_at = timestamp() "
                "WITH l WHERE l.owner IS NULL OR l.owner = $owner OR l.expires < timestamp() "
                "SET l.owner = $owner, l.expires = timestamp() + $ms RETURN count(l) AS taken",
                name=str(name), owner=str(owner), ms=int(float(seconds) * 1000),
            ).single()["taken"] > 0

        return self._write(work)

    def release_lease(self, name, owner):
        self._write(lambda tx: tx.run("MATCH (l:KimLease {id: $name}) WHERE l.owner = $owner DELETE l",
                                      name=str(name), owner=str(owner)).consume())

    # -- shared counters -----------------------------------------------------------
    def bump_counter(self, key, window_seconds, delta=1, now=None):
        check_counter(key, window_seconds, delta)
        now = time.time() if now is None else float(now)
        purge = self._purges.due()

        def work(tx):
            return int(tx.run(_BUMP, key=key, delta=delta, now=now, expires=now + window_seconds).single()["count"])

        count = self._write(work)
        if purge:
            self._write(lambda tx: tx.run("MATCH (c:KimCounter) WHERE c.expires <= $now DELETE c", now=now).consume())
        return count
