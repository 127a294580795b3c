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
from kim_network.core.text import stem, stemmed, strip_accents
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
    BODY_ONLY_WEIGHT,
    COMPOUND_PREFIX_MIN,
    MEMBER_PROJECTS_LIMIT,
    SKILL_LIMIT,
    SOURCE_LIMIT,
    TEXT_MATCH_LIMIT,
    COUNTER_PURGE_EVERY,
    AlreadyExists,
    Edge,
    GraphStore,
    InvalidQuery,
    NotFound,
    Page,
    ResultRow,
    SearchHit,
    StoreUnavailable,
    TextMatch,
    TextResult,
    check_counter,
    check_paging,
    combine_member_scores,
    expand_skills,
    normalised,
    project_scores,
    search_terms,
    text_document,
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


# Left out of `node_fts` (names and autocomplete): project objectives have their own ranked tables.
_NOT_IN_NAME_INDEX = frozenset({"objective"})
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
        if key in _NOT_IN_NAME_INDEX:
            continue
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


# The ranked full-text tables of migration 0006: (group, language) -> table.
_RANKED = {(group, lang): f"{group}_fts_{lang}" for group in ("member", "project", "skill") for lang in ("en", "de")}
_RANKED_MIGRATION = "0006_ranked_fulltext"
_RANKED_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.PROJECT, Label.SKILL)


def _ranked_queries(text: str, prefix: bool) -> tuple[str, str] | None:
    """FTS5 queries for the English table (FTS5's Porter stemmer stems them) and the German one
    (stemmed here, as its text was). Every word must match; with `prefix` as a word beginning."""
    terms = search_terms(text)
    if not terms:
        return None
    star = "*" if prefix else ""
    english = " AND ".join(f'"{t}"{star}' for t in terms)

    def german_term(term: str) -> str:
        word = stem(strip_accents(term), "de")
        if prefix:
            return f'"{word}"*'
        return f'("{word}" OR "{word}"*)' if len(term) >= COMPOUND_PREFIX_MIN else f'"{word}"'

    german = " AND ".join(german_term(t) for t in terms)
    return english, german


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
            if name == _RANKED_MIGRATION:
                self._fill_ranked(conn)
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
            for table in _RANKED.values():
                conn.execute(f"DELETE FROM {table}")
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
        self._write_ranked(conn, rowid, label, props, new)

    @staticmethod
    def _write_ranked(conn, rowid: int, label: Label, props: Mapping[str, Any], new: bool) -> None:
        document = text_document(label, props)
        if document is None:
            return
        group, languages = document
        for lang, (names, body) in languages.items():
            table = _RANKED[(group, lang)]
            if not new:
                conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
            if names or body:
                if lang == "de":  # FTS5 has no German stemmer: the text goes in stemmed
                    names, body = stemmed(names, "de"), stemmed(body, "de")
                conn.execute(f"INSERT INTO {table} (rowid, names, body) VALUES (?, ?, ?)", (rowid, names, body))

    def _fill_ranked(self, conn) -> None:
        """Index the nodes that existed before migration 0006 (its SQL cannot stem German)."""
        marks = ",".join("?" * len(_RANKED_LABELS))
        rows = conn.execute(f"SELECT rowid, label, props FROM nodes WHERE label IN ({marks})",
                            [l.value for l in _RANKED_LABELS]).fetchall()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                self._write_ranked(conn, row["rowid"], Label(row["label"]), json.loads(row["props"]), new=True)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

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
            document = text_document(label, {})
            if document is not None:
                for lang in ("en", "de"):
                    conn.execute(f"DELETE FROM {_RANKED[(document[0], lang)]} WHERE rowid = ?", (row["rowid"],))
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

    # -- ranked text search ------------------------------------------------------------
    def text_search(self, text, limit=TEXT_MATCH_LIMIT):
        for prefix in (False, True):
            queries = _ranked_queries(text, prefix)
            if queries is None:
                return TextResult()
            result = self._run(lambda conn, q=queries: self._text_search(conn, *q, limit))
            result.prefix = prefix
            if result.members or result.projects:
                return result
        return result

    @staticmethod
    def _matches(conn, group: str, english: str, german: str, limit: int, weights=(3.0, 1.0)) -> dict[str, float]:
        """node rowid -> best BM25 score (higher is better) over both languages of a group."""
        en, de = _RANKED[(group, "en")], _RANKED[(group, "de")]
        rows = conn.execute(
            f"SELECT rowid, max(score) FROM ("
            f" SELECT rowid, -bm25({en}, ?, ?) AS score FROM {en} WHERE {en} MATCH ?"
            f" UNION ALL SELECT rowid, -bm25({de}, ?, ?) FROM {de} WHERE {de} MATCH ?)"
            " GROUP BY rowid ORDER BY 2 DESC LIMIT ?",
            (*weights, english, *weights, german, limit),
        ).fetchall()
        return {r[0]: max(float(r[1]), 1e-9) for r in rows}

    @staticmethod
    def _keys(conn, rowids) -> dict[int, tuple[str, str]]:
        out = {}
        for part in chunked(list(rowids), 900):
            marks = ",".join("?" * len(part))
            for row in conn.execute(f"SELECT rowid, label, id FROM nodes WHERE rowid IN ({marks})", part):
                out[row[0]] = (row[1], row[2])
        return out

    def _text_search(self, conn, english: str, german: str, limit: int) -> TextResult:
        # 1. Skills whose labels or synonyms match, spread over the taxonomy.
        found = self._matches(conn, "skill", english, german, SKILL_LIMIT)
        skill_nodes = self._keys(conn, found)
        matched = normalised({skill_nodes[r][1]: score for r, score in found.items() if r in skill_nodes})
        skills: dict[str, float] = {}
        if matched:
            ids = json.dumps(list(matched))
            narrower = conn.execute(
                "WITH RECURSIVE down(id, root, depth) AS ("
                " SELECT value, value, 0 FROM json_each(?)"
                " UNION SELECT e.src, down.root, down.depth + 1 FROM edges e JOIN down"
                "  ON e.dst_label = 'Skill' AND e.dst = down.id AND e.type = 'BROADER' AND e.src_label = 'Skill'"
                "  WHERE down.depth < 6)"
                " SELECT id, root FROM down WHERE depth > 0", (ids,)).fetchall()
            parents = conn.execute(
                "WITH RECURSIVE up(root, id, steps) AS ("
                " SELECT m.value, m.value, 0 FROM json_each(?) m"
                " UNION SELECT up.root, e.dst, up.steps + 1 FROM up CROSS JOIN edges e"
                "  ON e.type = 'BROADER' AND e.src_label = 'Skill' AND e.src = up.id"
                "  JOIN nodes s ON s.label = 'Skill' AND s.id = up.id"
                "  WHERE up.steps < 2 AND json_extract(s.props, '$.source') = 'kim')"
                " SELECT root, id, steps FROM up WHERE steps > 0", (ids,)).fetchall()
            skills = expand_skills(matched, [(r[0], r[1]) for r in narrower], [tuple(r) for r in parents])
        weights = json.dumps(skills)

        # 2. Projects: their own text, or a matched skill they require.
        text_hits = self._matches(conn, "project", english, german, SOURCE_LIMIT, (4.0, 1.0))
        in_names = self._matches(conn, "project", f"names : ({english})", f"names : ({german})", SOURCE_LIMIT)
        text_hits = {r: score * (1.0 if r in in_names else BODY_ONLY_WEIGHT) for r, score in text_hits.items()}
        project_keys = self._keys(conn, text_hits)
        required = conn.execute(
            "SELECT e.src, e.dst FROM json_each(?) w CROSS JOIN edges e"
            " ON e.dst_label = 'Skill' AND e.dst = w.key AND e.type = 'REQUIRES' AND e.src_label = 'Project'",
            (weights,)).fetchall() if skills else []
        scored = project_scores({project_keys[r][1]: s for r, s in text_hits.items() if r in project_keys},
                                [(r[0], r[1]) for r in required], skills)
        best_projects = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:SOURCE_LIMIT]
        project_weights = json.dumps({pid: value for pid, (value, _skill) in best_projects[:MEMBER_PROJECTS_LIMIT]})

        # 3. Members: own text, skills they have, projects they took part in.
        own_hits = self._matches(conn, "member", english, german, SOURCE_LIMIT)
        own_keys = self._keys(conn, own_hits)
        own = {own_keys[r]: s for r, s in own_hits.items() if r in own_keys}
        skill_of: dict[tuple[str, str], tuple[float, str]] = {}
        if skills:
            for src_label, src, dst, weight in conn.execute(
                    "SELECT e.src_label, e.src, e.dst, w.value FROM json_each(?) w CROSS JOIN edges e"
                    " ON e.dst_label = 'Skill' AND e.dst = w.key AND e.type IN ('OFFERS', 'HAS_SKILL')",
                    (weights,)):
                key = (src_label, src)
                if weight > skill_of.get(key, (0.0, ""))[0]:
                    skill_of[key] = (float(weight), dst)
        via: dict[tuple[str, str], tuple[float, int]] = {}
        best_project: dict[tuple[str, str], str] = {}
        if best_projects:
            # Summed here: SQLite's GROUP BY sorts every row first and is several times slower.
            found_sum: dict[tuple[str, str], float] = {}
            best: dict[tuple[str, str], float] = {}
            for src_label, src, weight, project in conn.execute(
                    "SELECT e.src_label, e.src, w.value, e.dst FROM json_each(?) w CROSS JOIN edges e"
                    " ON e.dst_label = 'Project' AND e.dst = w.key AND e.type = 'PARTICIPATED_IN'",
                    (project_weights,)):
                key = (src_label, src)
                found_sum[key] = found_sum.get(key, 0.0) + weight
                if weight > best.get(key, -1.0):
                    best[key], best_project[key] = weight, project
            for src_label, src, count in conn.execute(
                    "SELECT json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]'),"
                    " (SELECT count(*) FROM edges e WHERE e.type = 'PARTICIPATED_IN'"
                    "  AND e.src_label = json_extract(k.value, '$[0]') AND e.src = json_extract(k.value, '$[1]'))"
                    " FROM json_each(?) k", (json.dumps(list(found_sum)),)):
                via[(src_label, src)] = (found_sum[(src_label, src)], int(count))
        scores = combine_member_scores(own, {k: v for k, (v, _s) in skill_of.items()}, via)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        members = [TextMatch(label, node_id, score, best_project.get((label, node_id)),
                             skill_of.get((label, node_id), (0, None))[1]) for (label, node_id), score in ranked]
        projects = [TextMatch(Label.PROJECT.value, pid, round(value, 3), None, skill)
                    for pid, (value, skill) in best_projects[:limit]]
        return TextResult(members, projects, matched_skills=sorted(matched))

    def result_rows(self, keys, skill_limit=6):
        keys = [(as_label(label).value, str(node_id)) for label, node_id in keys]
        if not keys:
            return []

        def work(conn):
            rows: dict[tuple[str, str], ResultRow] = {}
            for label in {label for label, _ in keys}:
                ids = [node_id for l, node_id in keys if l == label]
                marks = ",".join("?" * len(ids))
                for row in conn.execute(f"SELECT id, props FROM nodes WHERE label = ? AND id IN ({marks})",
                                        (label, *ids)):
                    rows[(label, row["id"])] = ResultRow(label, row["id"], self._row_node(row))
            wanted = json.dumps([[label, node_id] for label, node_id in rows])
            for label, node_id, rel, skill in conn.execute(
                    "SELECT e.src_label, e.src, e.type, e.dst FROM json_each(?) k CROSS JOIN edges e"
                    " ON e.src_label = json_extract(k.value, '$[0]') AND e.src = json_extract(k.value, '$[1]')"
                    " AND e.type IN ('OFFERS', 'HAS_SKILL', 'REQUIRES')"
                    " ORDER BY e.src_label, e.src, e.type DESC, e.dst", (wanted,)):
                row = rows[(label, node_id)]
                if skill not in row.skills and len(row.skills) < skill_limit:
                    row.skills.append(skill)
            for label, node_id, skill, _uses in conn.execute(
                    "SELECT e.src_label, e.src, r.dst, count(*) AS uses FROM json_each(?) k CROSS JOIN edges e"
                    " ON e.src_label = json_extract(k.value, '$[0]') AND e.src = json_extract(k.value, '$[1]')"
                    " AND e.type = 'PARTICIPATED_IN'"
                    " JOIN edges r ON r.src_label = 'Project' AND r.src = e.dst AND r.type = 'REQUIRES'"
                    " GROUP BY e.src_label, e.src, r.dst ORDER BY e.src_label, e.src, uses DESC, r.dst",
                    (wanted,)):
                row = rows[(label, node_id)]
                if len(row.project_skills) < skill_limit and skill not in row.skills:
                    row.project_skills.append(skill)
            for label, node_id, count in conn.execute(
                    "SELECT json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]'),"
                    " (SELECT count(*) FROM edges e WHERE e.type = 'PARTICIPATED_IN'"
                    "   AND e.src_label = json_extract(k.value, '$[0]') AND e.src = json_extract(k.value, '$[1]'))"
                    " + (SELECT count(*) FROM edges e WHERE e.type = 'PARTICIPATED_IN'"
                    "   AND e.dst_label = json_extract(k.value, '$[0]') AND e.dst = json_extract(k.value, '$[1]'))"
                    " FROM json_each(?) k", (wanted,)):
                rows[(label, node_id)].projects = int(count)
            return [rows[key] for key in keys if key in rows]

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
