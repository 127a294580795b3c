"""The Neo4j store's reads shaped by use case (one round trip per page), exports and change counters."""
from __future__ import annotations

from kim_network.core.model import Label, Rel, as_label, as_rel
from kim_network.store.base import AccountView, Edge, GraphChange, NodeView, Related, ResultRow, Versions
from kim_network.store.common import checked_fields
from kim_network.store.neo4j.connection import quote

# One record holding a list of rows: the driver decodes each Bolt record through Python
# (about 0.1 ms each), one list in one record is decoded natively. Nodes as property maps:
# no Node objects (element ids, label sets) to hydrate and throw away.
_RESULT_ROWS = """
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {
  MATCH (n:Organization {id: k[1]}) WHERE k[0] = 'Organization' RETURN n
  UNION
  MATCH (n:Person {id: k[1]}) WHERE k[0] = 'Person' RETURN n
  UNION
  MATCH (n:Project {id: k[1]}) WHERE k[0] = 'Project' RETURN n
}
WITH i, k[0] AS label, n,
  [(n)-[r:OFFERS|HAS_SKILL|REQUIRES]->(s:Skill) | [type(r), s.id]] AS skills,
  COUNT { (n)-[:PARTICIPATED_IN]-() } AS projects,
  COLLECT { MATCH (n)-[:PARTICIPATED_IN]->(:Project)-[:REQUIRES]->(s:Skill)
            WITH s, count(*) AS uses ORDER BY uses DESC, s.id LIMIT $limit RETURN s.id } AS project_skills
ORDER BY i
RETURN collect([label, properties(n), skills, projects, project_skills]) AS rows
"""
_SKILL_ORDER = {"OFFERS": 0, "HAS_SKILL": 1, "REQUIRES": 2}


class Reads:
    """Reads for pages, the projection and exports (mixed into `Neo4jStore`)."""

    def result_rows(self, keys, skill_limit=6):
        keys = [[as_label(label).value, str(node_id)] for label, node_id in keys]
        if not keys:
            return []

        rows = {}
        records = self._query(_RESULT_ROWS, keys=keys, limit=skill_limit)  # one statement: one round trip
        for label, node, skills, projects, project_skills in records[0]["rows"] if records else []:
            own = [sid for _t, sid in sorted(skills, key=lambda ts: (_SKILL_ORDER[ts[0]], ts[1]))]
            own = list(dict.fromkeys(own))[:skill_limit]
            rows[(label, node["id"])] = ResultRow(
                label, node["id"], node, own,
                [sid for sid in project_skills if sid not in own][:skill_limit], int(projects))
        return [rows[(label, node_id)] for label, node_id in keys if (label, node_id) in rows]

    def export_nodes(self, labels=None):
        wanted = [as_label(l) for l in (labels or list(Label))]
        for label in wanted:
            for record in self._query(f"MATCH (n:{quote(label.value)}) RETURN properties(n) AS n"):
                yield label.value, self._node(record["n"])

    def export_edges(self, rels=None):
        types = [as_rel(r) for r in (rels or list(Rel))]
        wanted = [l.value for l in Label]
        for rel in types:
            for r in self._query(
                f"MATCH (a)-[r:{quote(rel.value)}]->(b) "
                "RETURN [l IN labels(a) WHERE l IN $wanted][0] AS al, a.id AS src, "
                "[l IN labels(b) WHERE l IN $wanted][0] AS bl, b.id AS dst, properties(r) AS props",
                wanted=wanted,
            ):
                yield Edge(rel.value, r["al"], r["src"], r["bl"], r["dst"], dict(r["props"]))

    def change_counter(self):
        records = self._query("MATCH (m:KimMeta {id: 'store'}) RETURN m.changes AS c")
        return int(records[0]["c"]) if records and records[0]["c"] is not None else 0

    # -- reads shaped by use case ------------------------------------------------
    def node_view(self, label, node_id, relations=None, lookups=None):
        label = as_label(label)
        relations, lookups = dict(relations or {}), dict(lookups or {})
        columns = []
        for i, relation in enumerate(relations.values()):
            rel, other = quote(as_rel(relation.rel).value), quote(as_label(relation.other).value)
            pattern = f"(n)-[r:{rel}]->(m:{other})" if relation.direction == "out" else f"(n)<-[r:{rel}]-(m:{other})"
            columns.append(f"COLLECT {{ MATCH {pattern} RETURN {{node: properties(m), props: properties(r)}} AS x "
                           f"ORDER BY m.id }} AS r{i}")
        for i, lookup in enumerate(lookups.values()):
            columns.append(f"COLLECT {{ MATCH (m:{quote(as_label(lookup.label).value)}) "
                           f"WHERE m.id = n.{quote(lookup.prop)} RETURN properties(m) AS m }} AS l{i}")
        records = self._query(
            f"MATCH (n:{quote(label.value)} {{id: $id}}) RETURN " + ", ".join(["properties(n) AS n"] + columns), id=str(node_id)
        )
        if not records:
            return None
        record = records[0]
        return NodeView(
            self._node(record["n"]),
            {name: [Related(self._node(x["node"]), dict(x["props"])) for x in record[f"r{i}"]]
             for i, name in enumerate(relations)},
            {name: (self._node(record[f"l{i}"][0]) if record[f"l{i}"] else None) for i, name in enumerate(lookups)},
        )

    def count_where(self, queries):
        columns, params = [], {}
        for i, (label, filters) in enumerate(queries.values()):
            label = as_label(label)
            where, part = self._where(label, filters, prefix=f"q{i}f")
            columns.append(f"COUNT {{ MATCH (n:{quote(label.value)}){where} }} AS c{i}")
            params.update(part)
        if not columns:
            return {}
        record = self._query("RETURN " + ", ".join(columns), **params)[0]
        return {name: int(record[f"c{i}"]) for i, name in enumerate(queries)}

    def account_view(self, account_id):
        records = self._query(
            "MATCH (a:Account {id: $id}) "
            "RETURN properties(a) AS a, COUNT { MATCH (x:Notification) WHERE x.account = $id AND x.read = false } AS unread",
            id=str(account_id),
        )
        return AccountView(self._node(records[0]["a"]), records[0]["unread"]) if records else None

    def get_many(self, wanted, fields=None):
        parts, params = [], {}
        out: dict[str, dict[str, dict]] = {}
        for i, (label, ids) in enumerate(wanted.items()):
            label = as_label(label)
            out[label.value] = {}
            ids = sorted({str(x) for x in ids})
            keep = checked_fields(label, fields)
            # A map projection of the fields asked for; missing ones come back null (dropped below).
            node = "properties(n)" if keep is None else "n {" + ", ".join(f".{quote(f)}" for f in keep) + "}"
            if ids:
                parts.append(f"UNWIND $ids{i} AS id MATCH (n:{quote(label.value)} {{id: id}}) "
                             f"RETURN {label.value!r} AS label, {node} AS n")
                params[f"ids{i}"] = ids
        if parts:
            # One record holding the list (see _RESULT_ROWS).
            record = self._query("CALL { " + " UNION ALL ".join(parts) + " } RETURN collect([label, n]) AS nodes",
                                 **params)[0]
            for label, node in record["nodes"]:
                out[label][node["id"]] = node if fields is None else {k: v for k, v in node.items() if v is not None}
        return out

    # -- change tracking and coordination ------------------------------------------
    def change_counters(self):
        records = self._query(
            "MATCH (m:KimMeta {id: 'store'}) "
            "RETURN m.graph AS graph, m.introductions AS introductions, m.records AS records, "
            "m.changes AS total, m.uid AS uid"
        )
        r = records[0] if records else {}
        return Versions(int(r.get("graph") or 0), int(r.get("introductions") or 0), int(r.get("records") or 0),
                        int(r.get("total") or 0), r.get("uid") or "")

    def graph_changes(self, since, until):
        records = self._query(
            "MATCH (m:KimMeta {id: 'store'}) RETURN m.graph_log_floor AS floor, "
            "COLLECT { MATCH (c:KimChange) WHERE $since < c.version <= $until "
            "RETURN DISTINCT [c.label, c.id, c.what] AS c ORDER BY c } AS changes",
            since=since, until=until)
        if not records or records[0]["floor"] is None or since < records[0]["floor"]:
            return None  # not migrated yet (0015), or pruned past `since`
        return [GraphChange(*c) for c in records[0]["changes"]]

    def counts(self):
        record = self._query(
            "RETURN COUNT { MATCH (n:Organization) } AS organizations, COUNT { MATCH (n:Person) } AS people, "
            "COUNT { MATCH (n:Skill) } AS skills, COUNT { MATCH (n:Project) } AS projects"
        )[0]
        return {key: int(record[key]) for key in ("organizations", "people", "skills", "projects")}

