"""Batch partner queries from JSON Lines: one CORDIS-style project idea per line, a ranking per line.

Input line: {"id", "title", "keywords", "objective", "topic", "topic_title", "euroscivoc": [..],
"partners": [organisation ids], "k"}. Output line: {"id", "ranking": [{"id", "score", "reasons"}]}
with at most k entries and never one of the given partners; a line that cannot be answered
gets {"id", "error"} and the others go on.
"""
from __future__ import annotations

import json
from typing import Iterable, TextIO

from kim_network.core.visibility import Viewer
from kim_network.matching import recommenders as service
from kim_network.matching.projection import Projection
from kim_network.matching.types import MatchingError

DEFAULT_K = 10
_TEXT_FIELDS = ("title", "keywords", "objective", "topic_title")


def answer(proj: Projection, query: dict, viewer: Viewer | None = None, *, sme_boost: float = 0.0,
           newcomer_boost: float = 0.0) -> tuple[dict, list[str]]:
    """The output record for one parsed query line, and the warnings it produced.

    Raises MatchingError for a query that cannot be answered.
    """
    if not isinstance(query, dict):
        raise MatchingError("each line must be a JSON object")
    for name in _TEXT_FIELDS + ("topic",):
        if query.get(name) is not None and not isinstance(query.get(name), str):
            raise MatchingError(f"{name} must be text")
    k = query.get("k", DEFAULT_K)
    text = "\n".join(query.get(f) or "" for f in _TEXT_FIELDS).strip()
    euroscivoc = query.get("euroscivoc") or []
    if isinstance(euroscivoc, str):
        euroscivoc = [euroscivoc]
    if not isinstance(euroscivoc, list) or not all(isinstance(t, str) for t in euroscivoc):
        raise MatchingError("euroscivoc must be a list of texts")
    partners = query.get("partners") or []
    if not isinstance(partners, list) or not all(isinstance(p, (str, int)) for p in partners):
        raise MatchingError("partners must be a list of organisation ids")
    partners = [str(p) for p in partners]
    warnings: list[str] = []
    skills, unknown_skills = proj.resolve_skills(euroscivoc)
    if unknown_skills:
        warnings.append(f"unknown euroSciVoc term(s): {', '.join(unknown_skills)}")
    if not text and not skills and not partners:
        raise MatchingError("empty query: give a title, keywords, objective, euroSciVoc terms or partners")
    recs = service.partners_for_project_idea(
        proj, text, skills=[proj.skill_ids[s] for s in skills], partners=partners, k=k, viewer=viewer,
        topic=query.get("topic") or None, ignore_unknown=True, warnings=warnings,
        sme_boost=sme_boost, newcomer_boost=newcomer_boost, skill_emphasis=0.0,
    )
    given = set(partners)
    ranking = [{"id": r.id, "score": r.score, "reasons": [x.as_dict() for x in r.reasons]}
               for r in recs if r.id not in given][:k]
    return {"id": query.get("id"), "ranking": ranking}, warnings


def run(proj: Projection, lines: Iterable[str], out: TextIO, viewer: Viewer | None = None, *,
        warn=None, sme_boost: float = 0.0, newcomer_boost: float = 0.0) -> dict[str, int]:
    """Answer every line of `lines` into `out`; returns counts of answered and failed lines."""
    counts = {"answered": 0, "failed": 0}
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
            record, warnings = answer(proj, query, viewer, sme_boost=sme_boost, newcomer_boost=newcomer_boost)
            for w in warnings:
                if warn:
                    warn(f"query {qid!r} (line {number}): {w} (ignored)")
            counts["answered"] += 1
        except MatchingError as exc:
            record = {"id": qid, "error": str(exc)}
            counts["failed"] += 1
            if warn:
                warn(f"query {qid!r} (line {number}): {exc}")
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return counts
