"""The SQLite store's full-text search: FTS5 tables for names and autocomplete (`search`) and
the ranked tables per language of migration 0006 (`text_search`)."""
from __future__ import annotations

import json
import threading
from typing import Any, Mapping

from kim_network.core.model import Label, as_label, chunked, searchable_props
from kim_network.core.text import stem, stemmed, strip_accents
from kim_network.store.base import SearchHit, TextResult, check_paging, search_terms
from kim_network.store.ranking import (
    BODY_ONLY_WEIGHT,
    COMPOUND_PREFIX_MIN,
    MEMBER_PROJECTS_LIMIT,
    SKILL_LIMIT,
    SOURCE_LIMIT,
    TEXT_MATCH_LIMIT,
    best_projects,
    expand_skills,
    normalised,
    project_scores,
    text_document,
    text_result,
    whole_words_first,
)

# Properties shown with a higher weight in search: the names people type.
_NAME_PROPS = ("name", "short_name", "title", "acronym", "label_de", "label_en")

# Left out of `node_fts` (names and autocomplete): project objectives have their own ranked tables.
_NOT_IN_NAME_INDEX = frozenset({"objective"})

# Ranked text searches run one at a time per process. Each reads thousands of rows through
# Python, and the sqlite3 module hands the GIL back and forth at every row, so searches in
# parallel threads slow each other down: 8 at once on CORDIS took 1.5 s in one process and
# 1.8 s of CPU, against 0.83 s for the same 8 one after the other (bench_search).
_TEXT_SEARCHES = threading.Lock()


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



class FullText:
    """Keeps the full-text tables in step with the nodes and searches them (mixed into `SQLiteStore`)."""

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

    def _after_migration(self, conn, name: str) -> None:
        if name == _RANKED_MIGRATION:
            self._fill_ranked(conn)

    @staticmethod
    def _delete_text(conn, rowid: int, label: Label) -> None:
        conn.execute("DELETE FROM node_fts WHERE rowid = ?", (rowid,))
        document = text_document(label, {})
        if document is not None:
            for lang in ("en", "de"):
                conn.execute(f"DELETE FROM {_RANKED[(document[0], lang)]} WHERE rowid = ?", (rowid,))

    @staticmethod
    def _clear_text(conn) -> None:
        conn.execute("DELETE FROM node_fts")
        for table in _RANKED.values():
            conn.execute(f"DELETE FROM {table}")

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
        def attempt(prefix: bool) -> TextResult | None:
            queries = _ranked_queries(text, prefix)
            if queries is None:
                return None
            with _TEXT_SEARCHES:
                return self._run(lambda conn: self._text_search(conn, *queries, limit))

        return whole_words_first(attempt)

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
        projects = best_projects(scored)
        project_weights = json.dumps({pid: value for pid, (value, _skill) in projects[:MEMBER_PROJECTS_LIMIT]})

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
        if projects:
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
        return text_result(own, skill_of, via, best_project, projects, limit, matched)

