"""The Neo4j store's driver, sessions, round trips with retries, change counters and migrations.

Round trips: every read is one statement, run in an auto-commit transaction (one Bolt
round trip; `driver.execute_query` and transaction functions cost two and three), retried
on transient errors within the same budget as writes; reads of several dependent statements
(the ranked search) run them one after the other on one session, each auto-committed.
Writes stay in managed transactions (retried by the driver). One bookmark manager is shared by all sessions, so a read after a
write in the same process sees the write on a cluster too. Reads use read routing, so a
cluster or Aura works unchanged.
"""
from __future__ import annotations

import time
from pathlib import Path

from kim_network.core.clock import now_iso
from kim_network.core.model import DataKind, Label
from kim_network.store.base import GRAPH_LOG_KEEP, StoreUnavailable
from kim_network.store.common import SCHEMA_DIR, PurgeSchedule, change_rows

MIGRATIONS_DIR = SCHEMA_DIR / "neo4j"
# Seconds a read keeps retrying a transient error (as the driver does for writes).
_READ_RETRY_SECONDS = 4.0


def counter_update(*kinds: DataKind) -> str:
    """The statement that moves the total change counter and those of the kinds written."""
    keys = ["changes"] + [DataKind(k).value for k in kinds]
    sets = ", ".join(f"m.{key} = coalesce(m.{key}, 0) + 1" for key in dict.fromkeys(keys))
    return f"MERGE (m:KimMeta {{id: 'store'}}) SET {sets}"


ALL_KINDS = tuple(DataKind)
# Appended to `counter_update` of a graph write: the nodes it touched, at the version it made.
_LOG_CHANGES = (" WITH m UNWIND $changes AS c"
                " CREATE (:KimChange {version: m.graph, label: c[0], id: c[1], what: c[2]})")
_PRUNE_CHANGES = (
    "MATCH (m:KimMeta {id: 'store'}) WITH m, m.graph - $keep AS floor"
    " SET m.graph_log_floor = CASE WHEN coalesce(m.graph_log_floor, 0) < floor THEN floor"
    " ELSE m.graph_log_floor END"
    " WITH floor MATCH (c:KimChange) WHERE c.version <= floor DELETE c")


def quote(name: str) -> str:
    """Quote an identifier that the model has already whitelisted."""
    return "`" + name.replace("`", "") + "`"


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, list[str]]]:
    """The migrations as `(name, [statement, ...])`, ordered by file name."""
    out = []
    for path in sorted(directory.glob("*.cypher")):
        text = "\n".join(
            line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("//")
        )
        statements = [s.strip() for s in text.split(";") if s.strip()]
        out.append((path.stem, statements))
    return out


class Connections:
    """The driver and its sessions, and the lifecycle of the schema (mixed into `Neo4jStore`)."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        import neo4j  # imported here so the embedded store works without the driver

        self.database = database or None
        self._purges = PurgeSchedule()
        self._log_purges = PurgeSchedule(every=200)
        self.driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            # Short budgets: when Neo4j is down, pages should say so (503) within seconds.
            connection_timeout=3,
            max_transaction_retry_time=4,
            connection_acquisition_timeout=5,
            # The server's hints (e.g. a property key not in the database yet) are for
            # development; in production they only cost bytes and log lines.
            notifications_min_severity="OFF",
        )
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()

    # -- plumbing --------------------------------------------------------------
    def _errors(self):
        from neo4j import exceptions as ex

        return ex

    def _query(self, statement: str, **params) -> list:
        """Run one read statement in an auto-commit transaction (one round trip); its records.

        Transient failures (a restarting server, a cluster electing a leader) are retried
        with back-off for `_READ_RETRY_SECONDS`, then reported as StoreUnavailable.
        """
        return self._reads(lambda session: list(session.run(statement, params)))

    def _reads(self, fn, *args, **kwargs):
        """`fn(session, *args)` on a read session, retried as `_query` is: for one statement, or
        for several that need no common snapshot, each its own auto-commit transaction (one
        round trip each instead of BEGIN, the statements, COMMIT). `fn` must only read."""
        ex = self._errors()
        deadline = time.monotonic() + _READ_RETRY_SECONDS
        delay = 0.1
        while True:
            try:
                with self.driver.session(database=self.database, default_access_mode="READ",
                                         bookmark_manager=self._bookmarks) as session:
                    return fn(session, *args, **kwargs)
            except ex.AuthError as exc:
                raise StoreUnavailable(f"Neo4j refused the credentials: {exc}") from exc
            except (ex.ServiceUnavailable, ex.SessionExpired, ex.TransientError) as exc:
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _write(self, fn, *args, **kwargs):
        ex = self._errors()
        try:
            with self.driver.session(database=self.database, bookmark_manager=self._bookmarks) as session:
                result = session.execute_write(fn, *args, **kwargs)
            self._local_writes += 1  # after the commit: a counter read before it is not reused
            return result
        except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ex.AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc}") from exc

    def _bump(self, tx, kinds, touched=None) -> None:
        """Move the change counters of a write of `kinds` (one statement); a graph write also
        logs the nodes it touched (`(label, id, what)` each; None: BROAD) in the same statement."""
        kinds = tuple(DataKind(k) for k in kinds)
        if DataKind.GRAPH not in kinds:
            tx.run(counter_update(*kinds)).consume()
            return
        tx.run(counter_update(*kinds) + _LOG_CHANGES, changes=change_rows(touched)).consume()
        if self._log_purges.due():
            tx.run(_PRUNE_CHANGES, keep=GRAPH_LOG_KEEP).consume()

    # -- lifecycle -------------------------------------------------------------
    def migrate(self) -> list[str]:
        done = set(self.applied_migrations())
        applied = []
        ex = self._errors()
        for name, statements in load_migrations():
            if name in done:
                continue
            try:
                for statement in statements:
                    # Schema statements cannot share a transaction with data writes.
                    self.driver.execute_query(statement, database_=self.database)
                self.driver.execute_query(
                    "MERGE (m:KimMigration {name: $name}) ON CREATE SET m.applied_at = $at",
                    name=name, at=now_iso(), database_=self.database,
                )
            except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
                raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        return [r["name"] for r in self._query("MATCH (m:KimMigration) RETURN m.name AS name ORDER BY name")]

    def ping(self) -> None:
        try:
            self._query("RETURN 1 AS ok")
        except OSError as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc

    def close(self) -> None:
        self.driver.close()

    def clear(self) -> None:
        labels = [l.value for l in Label]

        def delete_batch(tx):
            return tx.run(
                "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) "
                "WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS c",
                labels=labels,
            ).single()["c"]

        # One transaction per batch: a whole imported graph (CORDIS: ~50,000 nodes and
        # ~230,000 relationships) exceeds the server's transaction memory in one.
        while self._write(delete_batch):
            pass
        self._write(lambda tx: tx.run("MATCH (c:KimCounter) DELETE c").consume())
        while self._write(lambda tx: tx.run("MATCH (c:KimChange) WITH c LIMIT 5000 DELETE c RETURN count(*) AS c")
                          .single()["c"]):
            pass
        self._write(lambda tx: self._bump(tx, ALL_KINDS))

    # -- nodes -----------------------------------------------------------------
    @staticmethod
    def _node(record_node) -> dict:
        return dict(record_node)
