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
from kim_network.core.text import stem, strip_accents
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


# Name fields of projects: a match there is stronger than one in the objective alone.
_PROJECT_NAME_FIELDS = ("title", "acronym", "keywords")


def _ranked_queries(text: str, prefix: bool) -> dict[str, str] | None:
    """Lucene queries for the English and German indexes (each analyzer stems its own query);
    every word is required. Word beginnings (`prefix`) are not analyzed by Lucene, so they
    are stemmed here the way each analyzer would stem the whole word."""
    terms = [t for t in (_fold(t) for t in search_terms(text)) if re.fullmatch(r"\w+", t)]
    if not terms:
        return None
    if prefix:
        english = [stem(t, "en") + "*" for t in terms]
        german = [stem(t, "de") + "*" for t in terms]
    else:
        english = terms
        # Lucene's German stemmer is light ("Untertitelung" stays whole): long words also match
        # as the start of a compound, scored below the whole word.
        german = [f"({t}^2 OR {t}*)" if len(t) >= COMPOUND_PREFIX_MIN else t for t in terms]

    def names(words: list[str]) -> str:
        return " ".join("+(" + " OR ".join(f"{field}:{w}" for field in _PROJECT_NAME_FIELDS) + ")" for w in words)

    return {"en": " ".join(f"+{w}" for w in english), "de": " ".join(f"+{w}" for w in german),
            "en_names": names(english), "de_names": names(german)}


_SKILLS_MATCHED = """
CALL () {
  CALL db.index.fulltext.queryNodes('skill_text_en', $en, {limit: $k}) YIELD node, score RETURN node, score
  UNION ALL
  CALL db.index.fulltext.queryNodes('skill_text_de', $de, {limit: $k}) YIELD node, score RETURN node, score
}
WITH node, max(score) AS score ORDER BY score DESC, node.id LIMIT $k
RETURN node.id AS id, score,
  [(n:Skill)-[:BROADER*1..6]->(node) | n.id] AS narrower,
  [path = (node)-[:BROADER*1..2]->(a:Skill) WHERE all(x IN nodes(path)[0..-1] WHERE x.source = 'kim')
   | [a.id, length(path)]] AS ancestors
"""
_PROJECTS_MATCHED = """
CALL () {
  CALL db.index.fulltext.queryNodes('project_text_en', $en, {limit: $k}) YIELD node, score
  RETURN node.id AS id, score, false AS names
  UNION ALL
  CALL db.index.fulltext.queryNodes('project_text_de', $de, {limit: $k}) YIELD node, score
  RETURN node.id AS id, score, false AS names
  UNION ALL
  CALL db.index.fulltext.queryNodes('project_text_en', $en_names, {limit: $k}) YIELD node
  RETURN node.id AS id, 0.0 AS score, true AS names
  UNION ALL
  CALL db.index.fulltext.queryNodes('project_text_de', $de_names, {limit: $k}) YIELD node
  RETURN node.id AS id, 0.0 AS score, true AS names
}
WITH id, max(score) AS score, max(CASE WHEN names THEN 1 ELSE 0 END) AS names
WITH collect([id, score, names]) AS text
RETURN text,
  COLLECT { UNWIND $skills AS s MATCH (p:Project)-[:REQUIRES]->(:Skill {id: s}) RETURN [p.id, s] } AS required
"""
_MEMBERS_MATCHED = """
CALL () {
  CALL db.index.fulltext.queryNodes('member_text_en', $en, {limit: $k}) YIELD node, score
  RETURN node AS e, 'own' AS part, score AS value, null AS via, 0 AS count
  UNION ALL
  CALL db.index.fulltext.queryNodes('member_text_de', $de, {limit: $k}) YIELD node, score
  RETURN node AS e, 'own' AS part, score AS value, null AS via, 0 AS count
  UNION ALL
  UNWIND $skills AS s
  MATCH (e)-[:OFFERS|HAS_SKILL]->(:Skill {id: s[0]})
  RETURN e, 'skill' AS part, s[1] AS value, s[0] AS via, 0 AS count
  UNION ALL
  UNWIND $projects AS row
  MATCH (e)-[:PARTICIPATED_IN]->(:Project {id: row[0]})
  WITH e, row ORDER BY row[1] DESC
  WITH e, collect(row) AS rows
  RETURN e, 'projects' AS part, reduce(total = 0.0, r IN rows | total + r[1]) AS value, rows[0][0] AS via,
         COUNT { (e)-[:PARTICIPATED_IN]->() } AS count
}
WITH e, part, value, via, count, [l IN labels(e) WHERE l IN ['Organization', 'Person']][0] AS label
WHERE label IS NOT NULL
RETURN collect([label, e.id, part, value, via, count]) AS rows
"""
_RESULT_ROWS = """
UNWIND $keys AS k
CALL (k) {
  MATCH (n:Organization {id: k[1]}) WHERE k[0] = 'Organization' RETURN n
  UNION
  MATCH (n:Person {id: k[1]}) WHERE k[0] = 'Person' RETURN n
  UNION
  MATCH (n:Project {id: k[1]}) WHERE k[0] = 'Project' RETURN n
}
RETURN k[0] AS label, n AS node,
  [(n)-[r:OFFERS|HAS_SKILL|REQUIRES]->(s:Skill) | [type(r), s.id]] AS skills,
  COUNT { (n)-[:PARTICIPATED_IN]-() } AS projects,
  COLLECT { MATCH (n)-[:PARTICIPATED_IN]->(:Project)-[:REQUIRES]->(s:Skill)
            WITH s, count(*) AS uses ORDER BY uses DESC, s.id LIMIT $limit RETURN s.id } AS project_skills
"""
_SKILL_ORDER = {"OFFERS": 0, "HAS_SKILL": 1, "REQUIRES": 2}


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
            # The page with SKIP/LIMIT in Cypher; the total is counted without carrying the nodes.
            rows = list(tx.run(
                "CALL () { CALL db.index.fulltext.queryNodes('node_text', $q) YIELD node "
                "          WHERE any(l IN labels(node) WHERE l IN $labels) RETURN count(node) AS total } "
                "CALL db.index.fulltext.queryNodes('node_text', $q) YIELD node, score "
                "WITH total, node, score, [l IN labels(node) WHERE l IN $labels][0] AS label "
                "WHERE label IS NOT NULL "
                "RETURN total, label, node, score ORDER BY score DESC, node.id SKIP $offset LIMIT $limit",
                q=query, labels=wanted, offset=offset, limit=limit,
            ))
            if not rows:
                total = tx.run(
                    "CALL db.index.fulltext.queryNodes('node_text', $q) YIELD node "
                    "WHERE any(l IN labels(node) WHERE l IN $labels) RETURN count(node) AS total",
                    q=query, labels=wanted).single()["total"] if offset else 0
                return [], total
            hits = [SearchHit(r["label"], r["node"]["id"], float(r["score"]), self._node(r["node"])) for r in rows]
            return hits, rows[0]["total"]

        try:
            return self._read(work)
        except ex.ClientError as exc:
            raise InvalidQuery(f"the search could not be run: {exc.message}") from exc

    # -- ranked text search ------------------------------------------------------------
    def text_search(self, text, limit=TEXT_MATCH_LIMIT):
        ex = self._errors()
        result = TextResult()
        for prefix in (False, True):
            queries = _ranked_queries(text, prefix)
            if queries is None:
                return TextResult()
            try:
                result = self._read(self._text_search, queries, limit)
            except ex.ClientError as exc:
                raise InvalidQuery(f"the search could not be run: {exc.message}") from exc
            result.prefix = prefix
            if result.members or result.projects:
                return result
        return result

    @staticmethod
    def _text_search(tx, queries: dict[str, str], limit: int) -> TextResult:
        # 1. Skills whose labels or synonyms match, spread over the taxonomy.
        found, narrower, parents = {}, [], []
        for r in tx.run(_SKILLS_MATCHED, en=queries["en"], de=queries["de"], k=SKILL_LIMIT):
            found[r["id"]] = float(r["score"])
            narrower += [(n, r["id"]) for n in r["narrower"]]
            parents += [(r["id"], a, int(steps)) for a, steps in r["ancestors"]]
        skills = expand_skills(normalised(found), narrower, parents) if found else {}

        # 2. Projects: their own text (weaker when only the objective matches), or a skill they require.
        record = tx.run(_PROJECTS_MATCHED, en=queries["en"], de=queries["de"], en_names=queries["en_names"],
                        de_names=queries["de_names"], k=SOURCE_LIMIT, skills=list(skills)).single()
        text = {pid: float(score) * (1.0 if names else BODY_ONLY_WEIGHT)
                for pid, score, names in record["text"] if score > 0} if record else {}
        required = [(pid, sid) for pid, sid in record["required"]] if record else []
        scored = project_scores(text, required, skills)
        best_projects = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:SOURCE_LIMIT]

        # 3. Members: own text, skills they have, projects they took part in.
        own: dict[tuple[str, str], float] = {}
        skill_of: dict[tuple[str, str], tuple[float, str]] = {}
        via: dict[tuple[str, str], tuple[float, int]] = {}
        best_project: dict[tuple[str, str], str] = {}
        # One record holding a list: decoding one list is much cheaper than thousands of records.
        record = tx.run(_MEMBERS_MATCHED, en=queries["en"], de=queries["de"], k=SOURCE_LIMIT,
                        skills=[[sid, w] for sid, w in skills.items()],
                        projects=[[pid, value] for pid, (value, _skill) in best_projects[:MEMBER_PROJECTS_LIMIT]]
                        ).single()
        for label, node_id, part, value, found_via, count in (record["rows"] if record else []):
            key = (label, node_id)
            if part == "own":
                own[key] = max(own.get(key, 0.0), float(value))
            elif part == "skill":
                if float(value) > skill_of.get(key, (0.0, ""))[0]:
                    skill_of[key] = (float(value), found_via)
            else:
                via[key] = (float(value), int(count))
                best_project[key] = found_via
        scores = combine_member_scores(own, {k: v for k, (v, _s) in skill_of.items()}, via)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        members = [TextMatch(label, node_id, score, best_project.get((label, node_id)),
                             skill_of.get((label, node_id), (0, None))[1]) for (label, node_id), score in ranked]
        projects = [TextMatch(Label.PROJECT.value, pid, round(value, 3), None, skill)
                    for pid, (value, skill) in best_projects[:limit]]
        return TextResult(members, projects, matched_skills=sorted(found))

    def result_rows(self, keys, skill_limit=6):
        keys = [[as_label(label).value, str(node_id)] for label, node_id in keys]
        if not keys:
            return []

        def work(tx):
            rows = {}
            for r in tx.run(_RESULT_ROWS, keys=keys, limit=skill_limit):
                own = [sid for _t, sid in sorted(r["skills"], key=lambda ts: (_SKILL_ORDER[ts[0]], ts[1]))]
                own = list(dict.fromkeys(own))[:skill_limit]
                rows[(r["label"], r["node"]["id"])] = ResultRow(
                    r["label"], r["node"]["id"], self._node(r["node"]), own,
                    [sid for sid in r["project_skills"] if sid not in own][:skill_limit], int(r["projects"]))
            return [rows[(label, node_id)] for label, node_id in keys if (label, node_id) in rows]

        return self._read(work)

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
