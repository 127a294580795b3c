"""The production graph store on Neo4j 5 through the official driver.

All Cypher of the application lives here and in `graph_schema/neo4j`. Values are
always `$parameters`; labels, relationship types and property names are formatted into
statements only after `kim_network.core.model` has checked them against its whitelists.
Reads use read routing so a cluster or Aura works unchanged.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import Any, Mapping

from kim_network.core.clock import now_iso
from kim_network.core.text import strip_accents
from kim_network.core.model import (
    GRAPH_LABELS,
    Label,
    Rel,
    as_label,
    as_rel,
    chunked,
    filterable_props,
    validate_edge,
    validate_node,
)
from kim_network.store.base import (
    COUNTER_PURGE_EVERY,
    AlreadyExists,
    Edge,
    GraphStore,
    InvalidQuery,
    NotFound,
    Page,
    SearchHit,
    StoreUnavailable,
    check_counter,
    check_paging,
    search_terms,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "graph_schema" / "neo4j"
_BATCH = 1000
_COUNTER = "MERGE (m:KimMeta {id: 'store'}) SET m.changes = coalesce(m.changes, 0) + 1"
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


def _fold(term: str) -> str:
    """Lower-case and strip accents, as the index's folding analyzer does to stored text."""
    return strip_accents(term).lower()


def _lucene_query(text: str) -> str | None:
    terms = [_fold(t) for t in search_terms(text)]
    terms = [t for t in terms if re.fullmatch(r"\w+", t)]
    if not terms:
        return None
    # Exact term scores by BM25, the prefix form finds the rest; every word must match.
    return " AND ".join(f"({t}^2 OR {t}*)" for t in terms)


def _q(name: str) -> str:
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


class Neo4jStore(GraphStore):
    """Graph store on a Neo4j 5 server, single instance, cluster or Aura."""

    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        import neo4j  # imported here so the embedded store works without the driver

        self.database = database or None
        self._bump_lock = threading.Lock()
        self._bumps = 0
        self.driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            # Short budgets: when Neo4j is down, pages should say so (503) within seconds.
            connection_timeout=3,
            max_transaction_retry_time=4,
            connection_acquisition_timeout=5,
        )

    # -- plumbing --------------------------------------------------------------
    def _errors(self):
        from neo4j import exceptions as ex

        return ex

    def _read(self, fn, *args, **kwargs):
        ex = self._errors()
        try:
            with self.driver.session(database=self.database, default_access_mode="READ") as session:
                return session.execute_read(fn, *args, **kwargs)
        except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ex.AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc}") from exc

    def _write(self, fn, *args, **kwargs):
        ex = self._errors()
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(fn, *args, **kwargs)
        except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ex.AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc}") from exc

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
        def work(tx):
            return [r["name"] for r in tx.run("MATCH (m:KimMigration) RETURN m.name AS name ORDER BY name")]

        return self._read(work)

    def ping(self) -> None:
        ex = self._errors()
        try:
            self.driver.verify_connectivity()
        except (ex.ServiceUnavailable, ex.SessionExpired, OSError) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ex.AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused the credentials: {exc}") from exc

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
        self._write(lambda tx: tx.run(_COUNTER).consume())

    # -- nodes -----------------------------------------------------------------
    @staticmethod
    def _node(record_node) -> dict:
        return dict(record_node)

    def create_node(self, label, props):
        label = as_label(label)
        node = validate_node(label, props)
        stored = {k: v for k, v in node.items() if v is not None}
        ex = self._errors()

        def work(tx):
            tx.run(f"CREATE (n:{_q(label.value)}) SET n = $props", props=stored).consume()
            tx.run(_COUNTER).consume()

        try:
            self._write(work)
        except ex.ConstraintError:
            raise AlreadyExists(f"{label.value} {node['id']} already exists") from None
        return stored

    def get_node(self, label, node_id):
        label = as_label(label)

        def work(tx):
            record = tx.run(
                f"MATCH (n:{_q(label.value)} {{id: $id}}) RETURN n", id=str(node_id)
            ).single()
            return self._node(record["n"]) if record else None

        return self._read(work)

    def get_nodes(self, label, ids):
        label = as_label(label)
        ids = [str(i) for i in ids]

        def work(tx):
            result = tx.run(
                f"UNWIND $ids AS id MATCH (n:{_q(label.value)} {{id: id}}) RETURN n", ids=ids
            )
            return {r["n"]["id"]: self._node(r["n"]) for r in result}

        return self._read(work)

    def update_node(self, label, node_id, props):
        label = as_label(label)
        changes = validate_node(label, {k: v for k, v in props.items() if k != "id"}, partial=True)
        changes.pop("id", None)

        def work(tx):
            record = tx.run(
                f"MATCH (n:{_q(label.value)} {{id: $id}}) SET n += $changes RETURN n",
                id=node_id, changes=changes,
            ).single()
            if record is None:
                raise NotFound(f"{label.value} {node_id} does not exist")
            tx.run(_COUNTER).consume()
            return self._node(record["n"])

        return self._write(work)

    def delete_node(self, label, node_id):
        label = as_label(label)

        def work(tx):
            record = tx.run(
                f"MATCH (n:{_q(label.value)} {{id: $id}}) DETACH DELETE n RETURN count(*) AS c",
                id=node_id,
            ).single()
            tx.run(_COUNTER).consume()
            return record["c"] > 0

        return self._write(work)

    def upsert_nodes(self, label, rows):
        label = as_label(label)
        total = 0
        statement = (
            f"UNWIND $rows AS row MERGE (n:{_q(label.value)} {{id: row.id}}) "
            "SET n += row RETURN count(n) AS c"
        )
        for batch in chunked((validate_node(label, r) for r in rows), _BATCH):

            def work(tx, batch=batch):
                count = tx.run(statement, rows=batch).single()["c"]
                tx.run(_COUNTER).consume()
                return count

            self._write(work)
            total += len({n["id"] for n in batch})
        return total

    def _where(self, label: Label, filters: Mapping[str, Any] | None) -> tuple[str, dict]:
        allowed = filterable_props(label)
        clauses, params = [], {}
        for i, (key, value) in enumerate((filters or {}).items()):
            if key not in allowed:
                raise InvalidQuery(f"cannot filter {label.value} by {key!r}")
            name = f"f{i}"
            if value is None:
                clauses.append(f"n.{_q(key)} IS NULL")
            elif isinstance(value, (list, tuple, set)):
                clauses.append(f"n.{_q(key)} IN ${name}")
                params[name] = [self._value(v) for v in value]
            else:
                clauses.append(f"n.{_q(key)} = ${name}")
                params[name] = self._value(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @staticmethod
    def _value(value):
        if isinstance(value, (str, int, float, bool)):
            return value
        raise InvalidQuery("filter values must be text, numbers or true/false")

    def list_nodes(self, label, filters=None, order_by="id", descending=False, limit=50, offset=0):
        label = as_label(label)
        limit, offset = check_paging(limit, offset)
        if order_by not in filterable_props(label):
            raise InvalidQuery(f"cannot sort {label.value} by {order_by!r}")
        where, params = self._where(label, filters)
        direction = "DESC" if descending else "ASC"
        key = f"n.{_q(order_by)}"
        order = f"n.id {direction}" if order_by == "id" else f"{key} IS NULL, {key} {direction}, n.id {direction}"

        def work(tx):
            total = tx.run(f"MATCH (n:{_q(label.value)}){where} RETURN count(n) AS c", **params).single()["c"]
            rows = tx.run(
                f"MATCH (n:{_q(label.value)}){where} RETURN n ORDER BY {order} SKIP $offset LIMIT $limit",
                offset=offset, limit=limit, **params,
            )
            return Page([self._node(r["n"]) for r in rows], total, limit, offset)

        return self._read(work)

    def count_nodes(self, label):
        label = as_label(label)
        return self._read(
            lambda tx: tx.run(f"MATCH (n:{_q(label.value)}) RETURN count(n) AS c").single()["c"]
        )

    # -- relationships ---------------------------------------------------------
    def upsert_edges(self, rel, rows):
        rel = as_rel(rel)
        total = 0
        for batch in chunked((validate_edge(rel, r) for r in rows), _BATCH):
            groups: dict[tuple[Label, Label], list[dict]] = {}
            for e in batch:
                groups.setdefault((e["source_label"], e["target_label"]), []).append(
                    {"source": e["source"], "target": e["target"], "props": e["props"]}
                )

            def work(tx, groups=groups):
                written = 0
                for (src, dst), group in groups.items():
                    written += tx.run(
                        f"UNWIND $rows AS row "
                        f"MATCH (a:{_q(src.value)} {{id: row.source}}) "
                        f"MATCH (b:{_q(dst.value)} {{id: row.target}}) "
                        f"MERGE (a)-[r:{_q(rel.value)}]->(b) SET r += row.props "
                        f"RETURN count(r) AS c",
                        rows=group,
                    ).single()["c"]
                tx.run(_COUNTER).consume()
                return written

            total += self._write(work)
        return total

    def delete_edge(self, rel, source, target, source_label=None, target_label=None):
        e = validate_edge(
            rel,
            {"source": source, "target": target, "source_label": source_label, "target_label": target_label},
        )
        rel = as_rel(rel)

        def work(tx):
            record = tx.run(
                f"MATCH (a:{_q(e['source_label'].value)} {{id: $s}})"
                f"-[r:{_q(rel.value)}]->(b:{_q(e['target_label'].value)} {{id: $t}}) "
                "DELETE r RETURN count(*) AS c",
                s=e["source"], t=e["target"],
            ).single()
            tx.run(_COUNTER).consume()
            return record["c"] > 0

        return self._write(work)

    def edges(self, label, node_id, rel=None, direction="out"):
        label = as_label(label)
        if direction not in ("out", "in", "both"):
            raise InvalidQuery("direction must be out, in or both")
        rel_part = f":{_q(as_rel(rel).value)}" if rel is not None else ""
        wanted = [l.value for l in Label]
        patterns = []
        if direction in ("out", "both"):
            patterns.append(f"MATCH (a:{_q(label.value)} {{id: $id}})-[r{rel_part}]->(b)")
        if direction in ("in", "both"):
            patterns.append(f"MATCH (a)-[r{rel_part}]->(b:{_q(label.value)} {{id: $id}})")

        def work(tx):
            out = []
            for pattern in patterns:
                result = tx.run(
                    pattern
                    + " WITH a, r, b, [l IN labels(a) WHERE l IN $wanted][0] AS al,"
                    " [l IN labels(b) WHERE l IN $wanted][0] AS bl"
                    " RETURN type(r) AS type, al, a.id AS src, bl, b.id AS dst, properties(r) AS props"
                    " ORDER BY type, src, dst",
                    id=node_id, wanted=wanted,
                )
                out += [Edge(r["type"], r["al"], r["src"], r["bl"], r["dst"], dict(r["props"])) for r in result]
            return out

        return self._read(work)

    def count_edges(self, rel=None):
        rel_part = f":{_q(as_rel(rel).value)}" if rel is not None else ""
        types = [r.value for r in Rel]

        def work(tx):
            if rel is not None:
                return tx.run(f"MATCH ()-[r{rel_part}]->() RETURN count(r) AS c").single()["c"]
            return tx.run(
                "MATCH ()-[r]->() WHERE type(r) IN $types RETURN count(r) AS c", types=types
            ).single()["c"]

        return self._read(work)

    # -- search and export -----------------------------------------------------
    def search(self, text, labels=None, limit=20, offset=0):
        limit, offset = check_paging(limit, offset)
        query = _lucene_query(text)
        if query is None:
            return [], 0
        wanted = [as_label(l).value for l in (labels or GRAPH_LABELS)]
        ex = self._errors()

        def work(tx):
            record = tx.run(
                "CALL db.index.fulltext.queryNodes('node_text', $q) YIELD node, score "
                "WITH node, score, [l IN labels(node) WHERE l IN $labels][0] AS label "
                "WHERE label IS NOT NULL "
                "WITH label, node, score ORDER BY score DESC, node.id "
                "WITH collect({label: label, node: node, score: score}) AS hits "
                "RETURN size(hits) AS total, hits[$offset..$end] AS page",
                q=query, labels=wanted, offset=offset, end=offset + limit,
            ).single()
            hits = [
                SearchHit(h["label"], h["node"]["id"], float(h["score"]), self._node(h["node"]))
                for h in record["page"]
            ]
            return hits, record["total"]

        try:
            return self._read(work)
        except ex.ClientError as exc:
            raise InvalidQuery(f"the search could not be run: {exc.message}") from exc

    def export_nodes(self, labels=None):
        wanted = [as_label(l) for l in (labels or list(Label))]
        for label in wanted:
            def work(tx, label=label):
                return [self._node(r["n"]) for r in tx.run(f"MATCH (n:{_q(label.value)}) RETURN n")]

            for node in self._read(work):
                yield label.value, node

    def export_edges(self, rels=None):
        types = [as_rel(r) for r in (rels or list(Rel))]
        wanted = [l.value for l in Label]
        for rel in types:
            def work(tx, rel=rel):
                return [
                    Edge(rel.value, r["al"], r["src"], r["bl"], r["dst"], dict(r["props"]))
                    for r in tx.run(
                        f"MATCH (a)-[r:{_q(rel.value)}]->(b) "
                        "RETURN [l IN labels(a) WHERE l IN $wanted][0] AS al, a.id AS src, "
                        "[l IN labels(b) WHERE l IN $wanted][0] AS bl, b.id AS dst, properties(r) AS props",
                        wanted=wanted,
                    )
                ]

            yield from self._read(work)

    def change_counter(self):
        def work(tx):
            record = tx.run("MATCH (m:KimMeta {id: 'store'}) RETURN m.changes AS c").single()
            return int(record["c"]) if record and record["c"] is not None else 0

        return self._read(work)

    # -- shared counters -----------------------------------------------------------
    def bump_counter(self, key, window_seconds, delta=1, now=None):
        check_counter(key, window_seconds, delta)
        now = time.time() if now is None else float(now)
        with self._bump_lock:
            self._bumps += 1
            purge = self._bumps % COUNTER_PURGE_EVERY == 0

        def work(tx):
            return int(tx.run(_BUMP, key=key, delta=delta, now=now, expires=now + window_seconds).single()["count"])

        count = self._write(work)
        if purge:
            self._write(lambda tx: tx.run("MATCH (c:KimCounter) WHERE c.expires <= $now DELETE c", now=now).consume())
        return count
