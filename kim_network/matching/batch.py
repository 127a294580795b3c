"""Batch partner queries from JSON Lines: one CORDIS-style project idea per line, a ranking per line.

Input line: {"id", "title", "keywords", "objective", "topic", "topic_title", "euroscivoc": [..],
"partners": [organisation ids], "k"}. Output line: {"id", "ranking": [{"id", "score", "reasons"}]}
with at most k entries and never one of the given partners; a line that cannot be answered
gets {"id", "error"} and the others go on. The ranking is `recommenders.partners_for_project`,
the function `scripts/evaluate.py` measures.
"""
from __future__ import annotations

import json
from typing import Iterable, TextIO

from kim_network.core.visibility import Viewer
from kim_network.matching import recommenders
from kim_network.matching.projection import Projection
from kim_network.matching.types import MatchingError

DEFAULT_K = 10
CHUNK = 64  # lines ranked together (they share the dense products and the model calls)


def _request(query) -> dict:
    """A parsed line as a request of `recommenders.partners_for_projects` (shape errors raise)."""
    if not isinstance(query, dict):
        raise MatchingError("each line must be a JSON object")
    partners = query.get("partners") or []
    if not isinstance(partners, list) or not all(isinstance(p, (str, int)) for p in partners):
        raise MatchingError("partners must be a list of organisation ids")
    fields = {k: query[k] for k in ("title", "keywords", "objective", "topic", "topic_title", "euroscivoc")
              if query.get(k) is not None}
    return {"fields": fields, "partners": [str(p) for p in partners], "k": query.get("k", DEFAULT_K)}


def _record(qid, recommendations, partners) -> dict:
    given = set(partners)
    ranking = [{"id": r.id, "score": r.score, "reasons": [x.as_dict() for x in r.reasons]}
               for r in recommendations if r.id not in given]
    return {"id": qid, "ranking": ranking}


def answer(proj: Projection, query: dict, viewer: Viewer | None = None) -> tuple[dict, list[str]]:
    """The output record for one parsed query line, and the warnings it produced.

    Raises MatchingError for a query that cannot be answered.
    """
    request = _request(query)
    warnings: list[str] = []
    recs = recommenders.partners_for_project(proj, request["fields"], request["partners"], request["k"], viewer,
                                             warnings=warnings)
    return _record(query.get("id"), recs, request["partners"]), warnings


def run(proj: Projection, lines: Iterable[str], out: TextIO, viewer: Viewer | None = None, *,
        warn=None) -> dict[str, int]:
    """Answer every line of `lines` into `out`, in order; returns counts of answered and failed lines.

    Lines are ranked `CHUNK` at a time, exactly as `partners_for_project` ranks one (the
    evaluation's path: no boosts, no feedback, no diversification).
    """
    counts = {"answered": 0, "failed": 0}
    pending: list[tuple[int, object, dict | None, MatchingError | None]] = []

    def flush() -> None:
        requests = [req for _, _, req, err in pending if err is None]
        answers = iter(recommenders.partners_for_projects(proj, requests, viewer, details=False) if requests else [])
        for number, qid, req, err in pending:
            if err is None:
                result = next(answers)
                err = result.error
            if err is not None:
                record = {"id": qid, "error": str(err)}
                counts["failed"] += 1
                if warn:
                    warn(f"query {qid!r} (line {number}): {err}")
            else:
                for w in result.warnings:
                    if warn:
                        warn(f"query {qid!r} (line {number}): {w} (ignored)")
                record = _record(qid, result.recommendations, req["partners"])
                counts["answered"] += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        pending.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        qid = None
        try:
            try:
                query = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MatchingError(f"line {number} is not valid JSON: {exc.msg}") from None
            qid = query.get("id") if isinstance(query, dict) else None
            pending.append((number, qid, _request(query), None))
        except MatchingError as exc:
            pending.append((number, qid, None, exc))
        if len(pending) >= CHUNK:
            flush()
    flush()
    return counts
