"""The Neo4j store's full-text search: the `node_text` index (`search`) and the ranked
indexes per language of migration 0006 (`text_search`)."""
from __future__ import annotations

import re

from kim_network.core.model import GRAPH_LABELS, as_label
from kim_network.core.text import stem, strip_accents
from kim_network.store.base import InvalidQuery, SearchHit, TextResult, check_paging, search_terms
from kim_network.store import ranking


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
        german = [f"({t}^2 OR {t}*)" if len(t) >= ranking.COMPOUND_PREFIX_MIN else t for t in terms]

    def names(words: list[str]) -> str:
        return " ".join("+(" + " OR ".join(f"{field}:{w}" for field in _PROJECT_NAME_FIELDS) + ")" for w in words)

    return {"en": " ".join(f"+{w}" for w in english), "de": " ".join(f"+{w}" for w in german),
            "en_names": names(english), "de_names": names(german)}


# Skills whose labels or synonyms match, with the narrower and (curated) broader ones, and in
# the same statement the projects: their own text, and which of those skills they require.
# The taxonomy's reach (matched, narrower, broader) is exactly the set of skills the ranking
# weighs (`ranking.expand_skills`), so the required pairs need no second round trip.
_SKILLS_AND_PROJECTS_MATCHED = """
CALL () {
  CALL db.index.fulltext.queryNodes('skill_text_en', $en, {limit: $k_skills}) YIELD node, score RETURN node, score
  UNION ALL
  CALL db.index.fulltext.queryNodes('skill_text_de', $de, {limit: $k_skills}) YIELD node, score RETURN node, score
}
WITH node, max(score) AS score ORDER BY score DESC, node.id LIMIT $k_skills
WITH node.id AS id, score,
  [(n:Skill)-[:BROADER*1..6]->(node) | n.id] AS narrower,
  [path = (node)-[:BROADER*1..2]->(a:Skill) WHERE all(x IN nodes(path)[0..-1] WHERE x.source = 'kim')
   | [a.id, length(path)]] AS ancestors
WITH collect([id, score, narrower, ancestors]) AS skills
WITH skills, reduce(ids = [], s IN skills | ids + [s[0]] + s[2] + [a IN s[3] | a[0]]) AS reach
RETURN skills,
  COLLECT {
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
    RETURN [id, score, names]
  } AS text,
  COLLECT { UNWIND reach AS s WITH DISTINCT s MATCH (p:Project)-[:REQUIRES]->(:Skill {id: s}) RETURN [p.id, s] } AS required
"""
_MEMBERS_MATCHED = """
CALL () {
  CALL () {
    CALL db.index.fulltext.queryNodes('member_text_en', $en, {limit: $k}) YIELD node, score RETURN node, score
    UNION ALL
    CALL db.index.fulltext.queryNodes('member_text_de', $de, {limit: $k}) YIELD node, score RETURN node, score
  }
  WITH node AS e, max(score) AS value
  RETURN e, 'own' AS part, value, null AS via, 0 AS count
  UNION ALL
  UNWIND range(0, size($skills) - 1) AS i
  WITH i, $skills[i] AS s
  MATCH (e)-[:OFFERS|HAS_SKILL]->(:Skill {id: s[0]})
  WITH e, i, s ORDER BY s[1] DESC, i
  WITH e, collect(s)[0] AS best
  RETURN e, 'skill' AS part, best[1] AS value, best[0] AS via, 0 AS count
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

class FullText:
    """Searches the full-text indexes (mixed into `Neo4jStore`)."""

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
                "WITH total, label, node, score ORDER BY score DESC, node.id SKIP $offset LIMIT $limit "
                # One record holding the page, nodes as property maps (see reads._RESULT_ROWS).
                "RETURN total, collect([label, score, properties(node)]) AS hits",
                q=query, labels=wanted, offset=offset, limit=limit,
            ))
            if not rows:
                total = tx.run(
                    "CALL db.index.fulltext.queryNodes('node_text', $q) YIELD node "
                    "WHERE any(l IN labels(node) WHERE l IN $labels) RETURN count(node) AS total",
                    q=query, labels=wanted).single()["total"] if offset else 0
                return [], total
            hits = [SearchHit(label, node["id"], float(score), node) for label, score, node in rows[0]["hits"]]
            return hits, rows[0]["total"]

        try:
            return self._reads(work)
        except ex.ClientError as exc:
            raise InvalidQuery(f"the search could not be run: {exc.message}") from exc

    # -- ranked text search ------------------------------------------------------------
    def text_search(self, text, limit=ranking.TEXT_MATCH_LIMIT):
        ex = self._errors()

        def attempt(prefix: bool) -> TextResult | None:
            queries = _ranked_queries(text, prefix)
            if queries is None:
                return None
            try:
                # Two dependent statements, each auto-committed: no common snapshot is needed
                # for a ranking, and BEGIN and COMMIT would cost two more round trips.
                return self._reads(self._text_search, queries, limit)
            except ex.ClientError as exc:
                raise InvalidQuery(f"the search could not be run: {exc.message}") from exc

        return ranking.whole_words_first(attempt)

    @staticmethod
    def _text_search(tx, queries: dict[str, str], limit: int) -> TextResult:
        # 1. Skills whose labels or synonyms match, spread over the taxonomy, and 2. projects:
        # their own text (weaker when only the objective matches), or a skill they require.
        found, narrower, parents = {}, [], []
        record = tx.run(_SKILLS_AND_PROJECTS_MATCHED, en=queries["en"], de=queries["de"],
                        en_names=queries["en_names"], de_names=queries["de_names"],
                        k_skills=ranking.SKILL_LIMIT, k=ranking.SOURCE_LIMIT).single()
        for skill_id, score, below, above in record["skills"] if record else []:
            found[skill_id] = float(score)
            narrower += [(n, skill_id) for n in below]
            parents += [(skill_id, a, int(steps)) for a, steps in above]
        skills = ranking.expand_skills(ranking.normalised(found), narrower, parents) if found else {}
        text = {pid: float(score) * (1.0 if names else ranking.BODY_ONLY_WEIGHT)
                for pid, score, names in record["text"] if score > 0} if record else {}
        # In the order of `skills`, as the ranking breaks ties between equally weighted skills.
        order = {sid: i for i, sid in enumerate(skills)}
        required = sorted(((pid, sid) for pid, sid in (record["required"] if record else []) if sid in order),
                          key=lambda pair: order[pair[1]])
        scored = ranking.project_scores(text, required, skills)
        projects = ranking.best_projects(scored)

        # 3. Members: own text, skills they have, projects they took part in.
        own: dict[tuple[str, str], float] = {}
        skill_of: dict[tuple[str, str], tuple[float, str]] = {}
        via: dict[tuple[str, str], tuple[float, int]] = {}
        best_project: dict[tuple[str, str], str] = {}
        # One record holding a list, one row per member and part (its best skill, its best own
        # score: aggregated in Cypher, where thousands of rows per broad word cost least).
        record = tx.run(_MEMBERS_MATCHED, en=queries["en"], de=queries["de"], k=ranking.SOURCE_LIMIT,
                        skills=[[sid, w] for sid, w in skills.items()],
                        projects=[[pid, value] for pid, (value, _skill) in projects[:ranking.MEMBER_PROJECTS_LIMIT]]
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
        return ranking.text_result(own, skill_of, via, best_project, projects, limit, found)

