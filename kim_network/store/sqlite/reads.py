"""The SQLite store's reads shaped by use case (one read per page), exports and change counters."""
from __future__ import annotations

import json

from kim_network.core.model import Label, Rel, as_label, as_rel, chunked
from kim_network.store.base import AccountView, GraphChange, NodeView, Related, ResultRow, Versions
from kim_network.store.common import checked_fields


class Reads:
    """Reads for pages, the projection and exports (mixed into `SQLiteStore`)."""

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

    # -- reads shaped by use case ------------------------------------------------
    def node_view(self, label, node_id, relations=None, lookups=None):
        label = as_label(label)
        relations, lookups = dict(relations or {}), dict(lookups or {})

        def work(conn):
            row = conn.execute(
                "SELECT id, props FROM nodes WHERE label = ? AND id = ?", (label.value, str(node_id))
            ).fetchone()
            if row is None:
                return None
            node = self._row_node(row)
            view = NodeView(node, {name: [] for name in relations}, {name: None for name in lookups})
            parts, params = [], []
            for name, relation in relations.items():
                if relation.direction == "out":
                    near, far = ("src", "src_label"), ("dst", "dst_label")
                else:
                    near, far = ("dst", "dst_label"), ("src", "src_label")
                parts.append(
                    f"SELECT ? AS part, n.id AS id, n.props AS props, e.props AS edge_props FROM edges e "
                    f"JOIN nodes n ON n.label = e.{far[1]} AND n.id = e.{far[0]} "
                    f"WHERE e.type = ? AND e.{near[1]} = ? AND e.{near[0]} = ? AND e.{far[1]} = ?"
                )
                params += [name, as_rel(relation.rel).value, label.value, node["id"], as_label(relation.other).value]
            if parts:
                for r in conn.execute(" UNION ALL ".join(parts) + " ORDER BY part, id", params):
                    view.related[r["part"]].append(Related(self._row_node(r), json.loads(r["edge_props"])))
            wanted = [(name, lookup) for name, lookup in lookups.items() if isinstance(node.get(lookup.prop), str)]
            if wanted:
                marks = " OR ".join("(label = ? AND id = ?)" for _ in wanted)
                found = {
                    (r["label"], r["id"]): self._row_node(r)
                    for r in conn.execute(
                        f"SELECT label, id, props FROM nodes WHERE {marks}",
                        [v for _, lookup in wanted for v in (as_label(lookup.label).value, node[lookup.prop])],
                    )
                }
                for name, lookup in wanted:
                    view.lookups[name] = found.get((as_label(lookup.label).value, node[lookup.prop]))
            return view

        return self._run(work)

    def count_where(self, queries):
        columns, params = [], []
        for i, (label, filters) in enumerate(queries.values()):
            where, part = self._where(as_label(label), filters)
            columns.append(f"(SELECT count(*) FROM nodes WHERE {where}) AS c{i}")
            params += part
        if not columns:
            return {}
        row = self._run(lambda c: c.execute("SELECT " + ", ".join(columns), params).fetchone())
        return {name: int(row[f"c{i}"]) for i, name in enumerate(queries)}

    def account_view(self, account_id):
        row = self._run(
            lambda c: c.execute(
                "SELECT a.id, a.props, (SELECT count(*) FROM nodes x WHERE x.label = 'Notification'"
                " AND json_extract(x.props, '$.account') = a.id AND json_extract(x.props, '$.read') = 0) AS unread"
                " FROM nodes a WHERE a.label = 'Account' AND a.id = ?",
                (str(account_id),),
            ).fetchone()
        )
        return AccountView(self._row_node(row), int(row["unread"])) if row else None

    def get_many(self, wanted, fields=None):
        pairs = [(as_label(label).value, str(i)) for label, ids in wanted.items() for i in ids]
        out: dict[str, dict[str, dict]] = {as_label(label).value: {} for label in wanted}
        keep = {as_label(label).value: checked_fields(as_label(label), fields) for label in wanted}

        def work(conn):
            for batch in chunked(sorted(set(pairs)), 400):
                marks = " OR ".join("(label = ? AND id = ?)" for _ in batch)
                for row in conn.execute(f"SELECT label, id, props FROM nodes WHERE {marks}",
                                        [v for pair in batch for v in pair]):
                    node, only = self._row_node(row), keep[row["label"]]
                    out[row["label"]][row["id"]] = node if only is None else {k: node[k] for k in only if node.get(k) is not None}

        if pairs:
            self._run(work)
        return out


    # -- change tracking and coordination ------------------------------------------
    def change_counters(self):
        row = self._run(
            lambda c: c.execute(
                "SELECT (SELECT value FROM meta WHERE key = 'graph') AS graph,"
                " (SELECT value FROM meta WHERE key = 'introductions') AS introductions,"
                " (SELECT value FROM meta WHERE key = 'records') AS records,"
                " (SELECT value FROM meta WHERE key = 'changes') AS total,"
                " (SELECT value FROM store_info WHERE key = 'uid') AS uid"
            ).fetchone()
        )
        return Versions(int(row["graph"] or 0), int(row["introductions"] or 0), int(row["records"] or 0),
                        int(row["total"] or 0), row["uid"] or "")


    def graph_changes(self, since, until):
        def work(conn):
            floor = conn.execute("SELECT value FROM meta WHERE key = 'graph_log_floor'").fetchone()
            if floor is None or since < floor[0]:
                return None
            return [GraphChange(*row) for row in conn.execute(
                "SELECT DISTINCT label, id, what FROM graph_changes WHERE version > ? AND version <= ?"
                " ORDER BY label, id, what", (since, until))]

        return self._run(work)

    def counts(self):
        labels = {"organizations": Label.ORGANIZATION, "people": Label.PERSON, "skills": Label.SKILL,
                  "projects": Label.PROJECT}
        rows = self._run(lambda c: c.execute(
            f"SELECT label, count(*) AS c FROM nodes WHERE label IN ({','.join('?' * len(labels))}) GROUP BY label",
            [l.value for l in labels.values()]).fetchall())
        found = {r["label"]: r["c"] for r in rows}
        return {name: int(found.get(label.value, 0)) for name, label in labels.items()}

