"""The SQLite store's nodes and relationships: writes, listings with filters, counts.

Property names reach SQL only after they were checked against the model's whitelist (and
are plain identifiers): filters write them as literal JSON paths so that SQLite can use
the expression indexes on ``json_extract(props, '$.name')``; every value is a parameter.
"""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, Mapping

from kim_network.core.model import DataKind, Label, as_label, as_rel, chunked, data_kind, validate_edge, validate_node
from kim_network.store.base import AlreadyExists, InvalidQuery, NotFound, Page
from kim_network.store.common import (
    check_direction, checked_edge, checked_filters, checked_listing, edge_ends, validated_changes)
from kim_network.store.sqlite.connection import kinds

_BATCH = 2000
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _json_path(key: str) -> str:
    """``json_extract(props, '$.key')`` for a whitelisted property name.

    Written as a literal (not a bound path) so the planner matches the expression indexes
    of the migrations; the name is one of the model's declared properties.
    """
    if not _IDENTIFIER.match(key):  # pragma: no cover - the model declares only identifiers
        raise InvalidQuery(f"not a property name: {key!r}")
    return f"json_extract(props, '$.{key}')"



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



class Graph:
    """Nodes and relationships (mixed into `SQLiteStore`)."""

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
            self._touch([(label, node["id"], "node")])

        self._run(work, write=True, kinds=kinds(data_kind(label)))
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
        changes = validated_changes(label, props)

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
            self._touch([(label, node_id, "node")])
            return {"id": node_id, **current}

        return self._run(work, write=True, kinds=kinds(data_kind(label)))

    def delete_node(self, label, node_id):
        label = as_label(label)

        def work(conn):
            row = conn.execute(
                "SELECT rowid FROM nodes WHERE label = ? AND id = ?", (label.value, node_id)
            ).fetchone()
            if row is None:
                return False
            around = conn.execute(
                "SELECT type, src_label, src, dst_label, dst FROM edges"
                " WHERE (src_label = ? AND src = ?) OR (dst_label = ? AND dst = ?)",
                (label.value, node_id, label.value, node_id)).fetchall()
            self._touch([(label, node_id, "node")]  # and the far end of each relationship
                        + [(r[3], r[4], r[0]) if (r[1], r[2]) == (label.value, node_id) else (r[1], r[2], r[0])
                           for r in around])
            self._delete_text(conn, row["rowid"], label)
            conn.execute("DELETE FROM nodes WHERE rowid = ?", (row["rowid"],))
            conn.execute(
                "DELETE FROM edges WHERE (src_label = ? AND src = ?) OR (dst_label = ? AND dst = ?)",
                (label.value, node_id, label.value, node_id),
            )
            return True

        # Its relationships go with it; only graph nodes have any (see REL_SCHEMA).
        return self._run(work, write=True, kinds=kinds(data_kind(label)))

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
                self._touch([(label, n["id"], "node") for n in batch])
                return len(batch)

            total += self._run(work, write=True, kinds=kinds(data_kind(label)))
        return total

    def _where(self, label: Label, filters: Mapping[str, Any] | None) -> tuple[str, list]:
        clauses, params = ["label = ?"], [label.value]
        for key, value in checked_filters(label, filters):
            column = "id" if key == "id" else _json_path(key)
            if value is None:
                clauses.append(f"{column} IS NULL")
            elif isinstance(value, list):
                if not value:
                    clauses.append("0")
                    continue
                clauses.append(f"{column} IN ({','.join('?' * len(value))})")
                params += [int(v) if isinstance(v, bool) else v for v in value]
            else:
                clauses.append(f"{column} = ?")
                params.append(int(value) if isinstance(value, bool) else value)
        return " AND ".join(clauses), params

    def list_nodes(self, label, filters=None, order_by="id", descending=False, limit=50, offset=0):
        label, limit, offset = checked_listing(label, order_by, limit, offset)
        where, params = self._where(label, filters)
        direction = "DESC" if descending else "ASC"
        if order_by == "id":
            order = f"id {direction}"
        else:
            # Missing values last in both directions, ties broken by id (as in Neo4j).
            key = _json_path(order_by)
            order = f"{key} IS NULL, {key} {direction}, id {direction}"

        def work(conn):
            total = conn.execute(f"SELECT count(*) FROM nodes WHERE {where}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT id, props FROM nodes WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
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
                self._touch(edge_ends(batch, rel))
                return written

            total += self._run(work, write=True, kinds=kinds(DataKind.GRAPH))
        return total

    def delete_edge(self, rel, source, target, source_label=None, target_label=None):
        rel, e = checked_edge(rel, source, target, source_label, target_label)

        def work(conn):
            cur = conn.execute(
                "DELETE FROM edges WHERE type = ? AND src_label = ? AND src = ? AND dst_label = ? AND dst = ?",
                (rel.value, e["source_label"].value, e["source"], e["target_label"].value, e["target"]),
            )
            self._touch(edge_ends([e], rel))
            return cur.rowcount > 0

        return self._run(work, write=True, kinds=kinds(DataKind.GRAPH))

    def edges(self, label, node_id, rel=None, direction="out"):
        label = as_label(label)
        check_direction(direction)
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


    def update_nodes_where(self, label, filters, changes):
        label = as_label(label)
        changes = validated_changes(label, changes)
        where, params = self._where(label, filters)

        def work(conn):
            rows = conn.execute(f"SELECT rowid, id, props FROM nodes WHERE {where}", params).fetchall()
            for row in rows:
                current = _merge(json.loads(row["props"]), changes)
                conn.execute("UPDATE nodes SET props = ? WHERE rowid = ?",
                             (json.dumps(current, ensure_ascii=False), row["rowid"]))
                self._write_fts(conn, row["rowid"], label, current, new=False)
            if rows:
                self._touch([(label, row["id"], "node") for row in rows])
                self._bump(conn, kinds(data_kind(label)))
            return len(rows)

        return self._run(work, write=True)

