"""The Neo4j store's nodes and relationships: writes, listings with filters, counts.

Labels, relationship types and property names are formatted into statements only after
`kim_network.core.model` has checked them against its whitelists; values are `$parameters`.
"""
from __future__ import annotations

from typing import Any, Mapping

from kim_network.core.model import DataKind, Label, Rel, as_label, as_rel, chunked, data_kind, validate_edge, validate_node
from kim_network.store.base import AlreadyExists, Edge, NotFound, Page
from kim_network.store.common import (
    check_direction, checked_edge, checked_filters, checked_listing, edge_ends, validated_changes)
from kim_network.store.neo4j.connection import quote

_BATCH = 1000


class Graph:
    """Nodes and relationships (mixed into `Neo4jStore`)."""

    def create_node(self, label, props):
        label = as_label(label)
        node = validate_node(label, props)
        stored = {k: v for k, v in node.items() if v is not None}
        ex = self._errors()

        def work(tx):
            tx.run(f"CREATE (n:{quote(label.value)}) SET n = $props", props=stored).consume()
            self._bump(tx, [data_kind(label)], [(label, node["id"], "node")])

        try:
            self._write(work)
        except ex.ConstraintError:
            raise AlreadyExists(f"{label.value} {node['id']} already exists") from None
        return stored

    def get_node(self, label, node_id):
        label = as_label(label)
        records = self._query(f"MATCH (n:{quote(label.value)} {{id: $id}}) RETURN properties(n) AS n", id=str(node_id))
        return self._node(records[0]["n"]) if records else None

    def get_nodes(self, label, ids):
        label = as_label(label)
        ids = [str(i) for i in ids]
        if not ids:
            return {}
        records = self._query(f"UNWIND $ids AS id MATCH (n:{quote(label.value)} {{id: id}}) RETURN properties(n) AS n",
                               ids=ids)
        return {r["n"]["id"]: self._node(r["n"]) for r in records}

    def update_node(self, label, node_id, props):
        label = as_label(label)
        changes = validated_changes(label, props)

        def work(tx):
            record = tx.run(
                f"MATCH (n:{quote(label.value)} {{id: $id}}) SET n += $changes RETURN n",
                id=node_id, changes=changes,
            ).single()
            if record is None:
                raise NotFound(f"{label.value} {node_id} does not exist")
            self._bump(tx, [data_kind(label)], [(label, node_id, "node")])
            return self._node(record["n"])

        return self._write(work)

    def delete_node(self, label, node_id):
        label = as_label(label)

        def work(tx):
            record = tx.run(
                f"MATCH (n:{quote(label.value)} {{id: $id}}) OPTIONAL MATCH (n)-[r]-(o) "
                "WITH n, collect(CASE WHEN o IS NULL THEN null ELSE "
                "[[l IN labels(o) WHERE l IN $wanted][0], o.id, type(r)] END) AS around "
                "DETACH DELETE n RETURN around",
                id=node_id, wanted=[l.value for l in Label],
            ).single()
            around = [tuple(a) for a in record["around"]] if record is not None else []
            self._bump(tx, [data_kind(label)], [(label, node_id, "node"), *around])
            return record is not None

        return self._write(work)

    def upsert_nodes(self, label, rows):
        label = as_label(label)
        total = 0
        statement = (
            f"UNWIND $rows AS row MERGE (n:{quote(label.value)} {{id: row.id}}) "
            "SET n += row RETURN count(n) AS c"
        )
        for batch in chunked((validate_node(label, r) for r in rows), _BATCH):

            def work(tx, batch=batch):
                count = tx.run(statement, rows=batch).single()["c"]
                self._bump(tx, [data_kind(label)], [(label, n["id"], "node") for n in batch])
                return count

            self._write(work)
            total += len({n["id"] for n in batch})
        return total

    def _where(self, label: Label, filters: Mapping[str, Any] | None, prefix: str = "f") -> tuple[str, dict]:
        clauses, params = [], {}
        for i, (key, value) in enumerate(checked_filters(label, filters)):
            name = f"{prefix}{i}"
            if value is None:
                clauses.append(f"n.{quote(key)} IS NULL")
            else:
                clauses.append(f"n.{quote(key)} {'IN' if isinstance(value, list) else '='} ${name}")
                params[name] = value
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_nodes(self, label, filters=None, order_by="id", descending=False, limit=50, offset=0):
        label, limit, offset = checked_listing(label, order_by, limit, offset)
        where, params = self._where(label, filters)
        direction = "DESC" if descending else "ASC"
        key = f"n.{quote(order_by)}"
        if order_by == "id":
            # `id IS NOT NULL` (always true: the constraint) lets the planner read the id index
            # in order instead of sorting every node of the label.
            order = f"n.id {direction}"
            rows_where = (where + " AND " if where else " WHERE ") + "n.id IS NOT NULL"
        else:
            order = f"{key} IS NULL, {key} {direction}, n.id {direction}"
            rows_where = where
        match = f"MATCH (n:{quote(label.value)})"
        record = self._query(
            f"RETURN COUNT {{ {match}{where} }} AS total, "
            f"COLLECT {{ {match}{rows_where} RETURN properties(n) AS p ORDER BY {order} SKIP $offset LIMIT $limit }} AS items",
            offset=offset, limit=limit, **params,
        )[0]
        return Page([self._node(n) for n in record["items"]], record["total"], limit, offset)

    def count_nodes(self, label):
        label = as_label(label)
        return self._query(f"MATCH (n:{quote(label.value)}) RETURN count(n) AS c")[0]["c"]

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
                        f"MATCH (a:{quote(src.value)} {{id: row.source}}) "
                        f"MATCH (b:{quote(dst.value)} {{id: row.target}}) "
                        f"MERGE (a)-[r:{quote(rel.value)}]->(b) SET r += row.props "
                        f"RETURN count(r) AS c",
                        rows=group,
                    ).single()["c"]
                self._bump(tx, [DataKind.GRAPH], edge_ends(batch, rel))
                return written

            total += self._write(work)
        return total

    def delete_edge(self, rel, source, target, source_label=None, target_label=None):
        rel, e = checked_edge(rel, source, target, source_label, target_label)

        def work(tx):
            record = tx.run(
                f"MATCH (a:{quote(e['source_label'].value)} {{id: $s}})"
                f"-[r:{quote(rel.value)}]->(b:{quote(e['target_label'].value)} {{id: $t}}) "
                "DELETE r RETURN count(*) AS c",
                s=e["source"], t=e["target"],
            ).single()
            self._bump(tx, [DataKind.GRAPH], edge_ends([e], rel))
            return record["c"] > 0

        return self._write(work)

    def edges(self, label, node_id, rel=None, direction="out"):
        label = as_label(label)
        check_direction(direction)
        rel_part = f":{quote(as_rel(rel).value)}" if rel is not None else ""
        wanted = [l.value for l in Label]
        patterns = []
        if direction in ("out", "both"):
            patterns.append(f"MATCH (a:{quote(label.value)} {{id: $id}})-[r{rel_part}]->(b) RETURN 0 AS part, a, r, b")
        if direction in ("in", "both"):
            patterns.append(f"MATCH (a)-[r{rel_part}]->(b:{quote(label.value)} {{id: $id}}) RETURN 1 AS part, a, r, b")
        records = self._query(
            "CALL { " + " UNION ALL ".join(patterns) + " }"
            " WITH part, a, r, b, [l IN labels(a) WHERE l IN $wanted][0] AS al,"
            " [l IN labels(b) WHERE l IN $wanted][0] AS bl"
            " RETURN type(r) AS type, al, a.id AS src, bl, b.id AS dst, properties(r) AS props"
            " ORDER BY part, type, src, dst",
            id=node_id, wanted=wanted,
        )
        return [Edge(r["type"], r["al"], r["src"], r["bl"], r["dst"], dict(r["props"])) for r in records]

    def count_edges(self, rel=None):
        if rel is not None:
            return self._query(f"MATCH ()-[r:{quote(as_rel(rel).value)}]->() RETURN count(r) AS c")[0]["c"]
        types = [r.value for r in Rel]
        return self._query("MATCH ()-[r]->() WHERE type(r) IN $types RETURN count(r) AS c", types=types)[0]["c"]


    def update_nodes_where(self, label, filters, changes):
        label = as_label(label)
        changes = validated_changes(label, changes)
        where, params = self._where(label, filters)

        def work(tx):
            ids = tx.run(f"MATCH (n:{quote(label.value)}){where} SET n += $changes RETURN collect(n.id) AS ids",
                         changes=changes, **params).single()["ids"]
            if ids:
                self._bump(tx, [data_kind(label)], [(label, i, "node") for i in ids])
            return len(ids)

        return self._write(work)

