"""The embedded graph store on SQLite (stdlib, WAL, FTS5): the default when no Neo4j is set.

Nodes live in one table with their properties as JSON, relationships in another, and a
FTS5 table mirrors the searchable text. All SQL of the project lives in this module.
Property names reach SQL only after they were checked against the model's whitelist (and
are plain identifiers): filters write them as literal JSON paths so that SQLite can use
the expression indexes on ``json_extract(props, '$.name')``; every value is a parameter.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
import threading
import time
from typing import Any, Callable, Mapping

from kim_network.core.clock import now_iso
from kim_network.core.model import (
    Label,
    Rel,
    as_label,
    as_rel,
    chunked,
    filterable_props,
    searchable_props,
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

# Properties shown with a higher weight in search: the names people type.
_NAME_PROPS = ("name", "short_name", "title", "acronym", "label_de", "label_en")

# The SQLite schema, as numbered, idempotent migrations; the Neo4j ones are beside them.
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "graph_schema" / "sqlite"


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, str]]:
    """The migrations as `(name, script)`, ordered by file name."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.sql"))]


_BATCH = 2000
# A write waits at most ~11 s for a busy file (5 x 2 s plus back-off), then the page says 503:
# well inside gunicorn's 30 s worker timeout, so people see our message, not a proxy error.
_RETRIES = 5
_BUSY_TIMEOUT_MS = 2000


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _json_path(key: str) -> str:
    """``json_extract(props, '$.key')`` for a whitelisted property name.

    Written as a literal (not a bound path) so the planner matches the expression indexes
    of the migrations; the name is one of the model's declared properties.
    """
    if not _IDENTIFIER.match(key):  # pragma: no cover - the model declares only identifiers
        raise InvalidQuery(f"not a property name: {key!r}")
    return f"json_extract(props, '$.{key}')"


def _fts_text(props: Mapping[str, Any], label: Label) -> tuple[str, str]:
    """The searchable text of a node: its names (weighted higher) and the rest."""
    names, body = [], []
    for key in searchable_props(label):
        value = props.get(key)
        if value:
            (names if key in _NAME_PROPS else body).append(str(value))
    return " ".join(names), " ".join(body)


def _merge(current: dict, changes: Mapping[str, Any]) -> dict:
    """Apply changes to stored properties in place: None removes a property, `id` is kept apart."""
    for key, value in changes.items():
        if key == "id":
            continue
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    return current


def _fts_query(text: str) -> str | None:
    terms = search_terms(text)
    if not terms:
        return None
    # Each term quoted (so nothing is FTS5 syntax) and prefix-matched; all must match.
    return " AND ".join(f'"{t}"*' for t in terms)


class SQLiteStore(GraphStore):
    """Graph store in one SQLite file; one connection per thread."""

    backend = "sqlite"

    def __init__(self, path: str, busy_timeout_ms: int = _BUSY_TIMEOUT_MS, retries: int = _RETRIES):
        # The retry budget is about retries x busy_timeout plus the back-off sleeps (< 1 s each).
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.retries = max(1, int(retries))
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._bumps = 0
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    # -- connections -----------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                    check_same_thread=False,
                )
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open the SQLite store at {self.path}: {exc}") from exc
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _run(self, work: Callable[[sqlite3.Connection], Any], write: bool = False, counted: bool = True) -> Any:
        """Run `work` in a transaction, retrying while the file is busy or locked.

        A write moves the change counter unless `counted` is False (counters are not graph data).
        """
        delay = 0.05
        for attempt in range(self.retries):
            conn = self._conn()
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(conn)
                    if write and counted:
                        conn.execute(
                            "UPDATE meta SET value = value + 1 WHERE key = 'changes'"
                        )
                    conn.execute("COMMIT")
                    return result
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                message = str(exc).lower()
                if "locked" in message or "busy" in message:
                    if attempt == self.retries - 1:
                        raise StoreUnavailable(
                            "the SQLite store stayed busy; try again in a moment"
                        ) from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if "no such table" in message:
                    raise StoreUnavailable(
                        "the SQLite store has no schema yet: run `flask --app app kim migrate`"
                    ) from exc
                raise
        raise StoreUnavailable("the SQLite store stayed busy")  # pragma: no cover

    # -- lifecycle -------------------------------------------------------------
    def migrate(self) -> list[str]:
        conn = self._conn()
        conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO meta (key, value) VALUES ('changes', 0);
            """
        )
        done = set(self.applied_migrations())
        applied = []
        for name, script in load_migrations():
            if name in done:
                continue
            # executescript commits on its own; each migration is idempotent (IF NOT EXISTS).
            conn.executescript(script)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now_iso())
            )
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        try:
            rows = self._conn().execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows]

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM meta LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"the SQLite store does not answer: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:  # pragma: no cover
                    pass
            self._all.clear()
        self._local = threading.local()

    def clear(self) -> None:
        def work(conn):
            conn.execute("DELETE FROM edges")
            conn.execute("DELETE FROM nodes")
            conn.execute("DELETE FROM node_fts")
            conn.execute("DELETE FROM counters")

        self._run(work, write=True)

    # -- nodes -----------------------------------------------------------------
    @staticmethod
    def _row_node(row) -> dict:
        props = json.loads(row["props"])
        props["id"] = row["id"]
        return props

    def _write_fts(self, conn, rowid: int, label: Label, props: Mapping[str, Any], new: bool):
        if not new:
            conn.execute("DELETE FROM node_fts WHERE rowid = ?", (rowid,))
        names, body = _fts_text(props, label)
        if names or body:
            conn.execute(
                "INSERT INTO node_fts (rowid, names, body) VALUES (?, ?, ?)", (rowid, names, body)
            )

    def create_node(self, label, props):
        label = as_label(label)
        node = validate_node(label, props)
        stored = {k: v for k, v in node.items() if k != "id" and v is not None}

        def work(conn):
            try:
                cur = conn.execute(
                    "INSERT INTO nodes (label, id, props) VALUES (?, ?, ?)",
                    (label.value, node["id"], json.dumps(stored, ensure_ascii=False)),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExists(f"{label.value} {node['id']} already exists") from None
            self._write_fts(conn, cur.lastrowid, label, stored, new=True)

        self._run(work, write=True)
        return {"id": node["id"], **stored}

    def get_node(self, label, node_id):
        label = as_label(label)
        row = self._run(
            lambda c: c.execute(
                "SELECT id, props FROM nodes WHERE label = ? AND id = ?", (label.value, str(node_id))
            ).fetchone()
        )
        return self._row_node(row) if row else None

    def get_nodes(self, label, ids):
        label = as_label(label)
        ids = [str(i) for i in ids]
        out: dict[str, dict] = {}

        def work(conn):
            for batch in chunked(ids, 500):
                marks = ",".join("?" * len(batch))
                for row in conn.execute(
                    f"SELECT id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                    (label.value, *batch),
                ):
                    out[row["id"]] = self._row_node(row)

        self._run(work)
        return out

    def update_node(self, label, node_id, props):
        label = as_label(label)
        changes = validate_node(label, {k: v for k, v in props.items() if k != "id"}, partial=True)
        changes.pop("id", None)

        def work(conn):
            row = conn.execute(
                "SELECT rowid, props FROM nodes WHERE label = ? AND id = ?", (label.value, node_id)
            ).fetchone()
            if row is None:
                raise NotFound(f"{label.value} {node_id} does not exist")
            current = _merge(json.loads(row["props"]), changes)
            conn.execute(
                "UPDATE nodes SET props = ? WHERE rowid = ?",
                (json.dumps(current, ensure_ascii=False), row["rowid"]),
            )
            self._write_fts(conn, row["rowid"], label, current, new=False)
            return {"id": node_id, **current}

        return self._run(work, write=True)

    def delete_node(self, label, node_id):
        label = as_label(label)

        def work(conn):
            row = conn.execute(
                "SELECT rowid FROM nodes WHERE label = ? AND id = ?", (label.value, node_id)
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM node_fts WHERE rowid = ?", (row["rowid"],))
            conn.execute("DELETE FROM nodes WHERE rowid = ?", (row["rowid"],))
            conn.execute(
                "DELETE FROM edges WHERE (src_label = ? AND src = ?) OR (dst_label = ? AND dst = ?)",
                (label.value, node_id, label.value, node_id),
            )
            return True

        return self._run(work, write=True)

    def upsert_nodes(self, label, rows):
        label = as_label(label)
        total = 0
        for batch in chunked((validate_node(label, r) for r in rows), _BATCH):
            # Later rows with the same id win, as they would in sequential MERGEs.
            by_id = {}
            for node in batch:
                by_id.setdefault(node["id"], {}).update(node)
            batch = list(by_id.values())

            def work(conn, batch=batch):
                ids = [n["id"] for n in batch]
                existing = {}
                for part in chunked(ids, 500):
                    marks = ",".join("?" * len(part))
                    for row in conn.execute(
                        f"SELECT rowid, id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                        (label.value, *part),
                    ):
                        existing[row["id"]] = (row["rowid"], json.loads(row["props"]))
                for node in batch:
                    nid = node["id"]
                    if nid in existing:
                        rowid, current = existing[nid]
                        _merge(current, node)
                        conn.execute(
                            "UPDATE nodes SET props = ? WHERE rowid = ?",
                            (json.dumps(current, ensure_ascii=False), rowid),
                        )
                        self._write_fts(conn, rowid, label, current, new=False)
                    else:
                        current = {k: v for k, v in node.items() if k != "id" and v is not None}
                        cur = conn.execute(
                            "INSERT INTO nodes (label, id, props) VALUES (?, ?, ?)",
                            (label.value, nid, json.dumps(current, ensure_ascii=False)),
                        )
                        self._write_fts(conn, cur.lastrowid, label, current, new=True)
                return len(batch)

            total += self._run(work, write=True)
        return total

    def _where(self, label: Label, filters: Mapping[str, Any] | None) -> tuple[str, list]:
        allowed = filterable_props(label)
        clauses, params = ["label = ?"], [label.value]
        for key, value in (filters or {}).items():
            if key not in allowed:
                raise InvalidQuery(f"cannot filter {label.value} by {key!r}")
            column = "id" if key == "id" else _json_path(key)
            key_params = []
            if value is None:
                clauses.append(f"{column} IS NULL")
                params += key_params
            elif isinstance(value, (list, tuple, set)):
                values = list(value)
                if not values:
                    clauses.append("0")
                    continue
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params += key_params + [self._sql_value(v) for v in values]
            else:
                clauses.append(f"{column} = ?")
                params += key_params + [self._sql_value(value)]
        return " AND ".join(clauses), params

    @staticmethod
    def _sql_value(value):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (str, int, float)):
            return value
        raise InvalidQuery("filter values must be text, numbers or true/false")

    def list_nodes(self, label, filters=None, order_by="id", descending=False, limit=50, offset=0):
        label = as_label(label)
        limit, offset = check_paging(limit, offset)
        if order_by not in filterable_props(label):
            raise InvalidQuery(f"cannot sort {label.value} by {order_by!r}")
        where, params = self._where(label, filters)
        direction = "DESC" if descending else "ASC"
        if order_by == "id":
            order, order_params = f"id {direction}", []
        else:
            # Missing values last in both directions, ties broken by id (as in Neo4j).
            order = (
                f"json_extract(props, ?) IS NULL, json_extract(props, ?) {direction}, id {direction}"
            )
            order_params = [f"$.{order_by}"] * 2

        def work(conn):
            total = conn.execute(f"SELECT count(*) FROM nodes WHERE {where}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT id, props FROM nodes WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, *order_params, limit, offset],
            ).fetchall()
            return Page([self._row_node(r) for r in rows], total, limit, offset)

        return self._run(work)

    def count_nodes(self, label):
        label = as_label(label)
        return self._run(
            lambda c: c.execute("SELECT count(*) FROM nodes WHERE label = ?", (label.value,)).fetchone()[0]
        )

    # -- relationships ---------------------------------------------------------
    def upsert_edges(self, rel, rows):
        rel = as_rel(rel)
        total = 0
        for batch in chunked((validate_edge(rel, r) for r in rows), _BATCH):

            def work(conn, batch=batch):
                written = 0
                for e in batch:
                    cur = conn.execute(
                        """
                        INSERT INTO edges (type, src_label, src, dst_label, dst, props)
                        SELECT ?, ?, ?, ?, ?, ?
                        WHERE EXISTS (SELECT 1 FROM nodes WHERE label = ? AND id = ?)
                          AND EXISTS (SELECT 1 FROM nodes WHERE label = ? AND id = ?)
                        ON CONFLICT (type, src_label, src, dst_label, dst)
                        DO UPDATE SET props = json_patch(edges.props, excluded.props)
                        """,
                        (
                            rel.value, e["source_label"].value, e["source"],
                            e["target_label"].value, e["target"],
                            json.dumps(e["props"], ensure_ascii=False),
                            e["source_label"].value, e["source"],
                            e["target_label"].value, e["target"],
                        ),
                    )
                    written += cur.rowcount
                return written

            total += self._run(work, write=True)
        return total

    def delete_edge(self, rel, source, target, source_label=None, target_label=None):
        e = validate_edge(
            rel,
            {"source": source, "target": target, "source_label": source_label, "target_label": target_label},
        )
        rel = as_rel(rel)

        def work(conn):
            cur = conn.execute(
                "DELETE FROM edges WHERE type = ? AND src_label = ? AND src = ? AND dst_label = ? AND dst = ?",
                (rel.value, e["source_label"].value, e["source"], e["target_label"].value, e["target"]),
            )
            return cur.rowcount > 0

        return self._run(work, write=True)

    @staticmethod
    def _row_edge(row) -> Edge:
        return Edge(row["type"], row["src_label"], row["src"], row["dst_label"], row["dst"],
                    json.loads(row["props"]))

    def edges(self, label, node_id, rel=None, direction="out"):
        label = as_label(label)
        if direction not in ("out", "in", "both"):
            raise InvalidQuery("direction must be out, in or both")
        type_clause, type_params = "", []
        if rel is not None:
            type_clause, type_params = " AND type = ?", [as_rel(rel).value]
        queries = []
        if direction in ("out", "both"):
            queries.append((f"SELECT * FROM edges WHERE src_label = ? AND src = ?{type_clause}",
                            [label.value, node_id, *type_params]))
        if direction in ("in", "both"):
            queries.append((f"SELECT * FROM edges WHERE dst_label = ? AND dst = ?{type_clause}",
                            [label.value, node_id, *type_params]))

        def work(conn):
            out = []
            for sql, params in queries:
                out += [self._row_edge(r) for r in conn.execute(sql + " ORDER BY type, src, dst", params)]
            return out

        return self._run(work)

    def count_edges(self, rel=None):
        if rel is None:
            return self._run(lambda c: c.execute("SELECT count(*) FROM edges").fetchone()[0])
        rel = as_rel(rel)
        return self._run(
            lambda c: c.execute("SELECT count(*) FROM edges WHERE type = ?", (rel.value,)).fetchone()[0]
        )

    # -- search and export -----------------------------------------------------
    def search(self, text, labels=None, limit=20, offset=0):
        limit, offset = check_paging(limit, offset)
        query = _fts_query(text)
        if query is None:
            return [], 0
        label_values = [as_label(l).value for l in (labels or [])]
        label_clause = ""
        if label_values:
            label_clause = f" AND n.label IN ({','.join('?' * len(label_values))})"

        def work(conn):
            base = (
                " FROM node_fts JOIN nodes n ON n.rowid = node_fts.rowid"
                f" WHERE node_fts MATCH ?{label_clause}"
            )
            total = conn.execute("SELECT count(*)" + base, [query, *label_values]).fetchone()[0]
            rows = conn.execute(
                "SELECT n.label, n.id, n.props, bm25(node_fts, 5.0, 1.0) AS rank" + base
                + " ORDER BY rank, n.id LIMIT ? OFFSET ?",
                [query, *label_values, limit, offset],
            ).fetchall()
            return [SearchHit(r["label"], r["id"], -float(r["rank"]), self._row_node(r)) for r in rows], total

        return self._run(work)

    def export_nodes(self, labels=None):
        label_values = [as_label(l).value for l in (labels or [])] or [l.value for l in Label]
        marks = ",".join("?" * len(label_values))
        rows = self._run(
            lambda c: c.execute(
                f"SELECT label, id, props FROM nodes WHERE label IN ({marks}) ORDER BY label, rowid",
                label_values,
            ).fetchall()
        )
        for row in rows:
            yield row["label"], self._row_node(row)

    def export_edges(self, rels=None):
        types = [as_rel(r).value for r in (rels or [])] or [r.value for r in Rel]
        marks = ",".join("?" * len(types))
        rows = self._run(
            lambda c: c.execute(f"SELECT * FROM edges WHERE type IN ({marks})", types).fetchall()
        )
        for row in rows:
            yield self._row_edge(row)

    def change_counter(self):
        row = self._run(lambda c: c.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone())
        return int(row[0]) if row else 0

    # -- shared counters -----------------------------------------------------------
    def bump_counter(self, key, window_seconds, delta=1, now=None):
        check_counter(key, window_seconds, delta)
        now = time.time() if now is None else float(now)
        with self._lock:
            self._bumps += 1
            purge = self._bumps % COUNTER_PURGE_EVERY == 0

        def work(conn):
            # One statement: the old row's values feed every expression of the update, and
            # BEGIN IMMEDIATE serialises writers, so no bump is ever lost.
            count = conn.execute(
                "INSERT INTO counters (key, count, expires) VALUES (?, max(?, 0), ?) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = max(CASE WHEN expires <= ? THEN 0 ELSE count END + ?, 0), "
                "expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
                "RETURNING count",
                (key, delta, now + window_seconds, now, delta, now),
            ).fetchone()[0]
            if purge:
                conn.execute("DELETE FROM counters WHERE expires <= ? AND key != ?", (now, key))
            return int(count)

        return self._run(work, write=True, counted=False)
