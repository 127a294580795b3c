"""Skills a free-text project idea implies, for one-click adding on the project and consortium pages.

The taxonomy's words (`kim_network.core.taxonomy.suggest_skills`: German and English labels,
synonyms, descriptions, compounds) propose candidates; the graph then says which of them go
together with the clearest match (skills that projects require together, and that members
offer or need together), so "Verifikation von Videos" proposes video forensics and deepfake
detection rather than 360° video. Pure: reads a `Projection`.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
from scipy import sparse

from kim_network.core.taxonomy import suggest_skills as lexical_suggestions, vocabulary
from kim_network.matching.projection import Projection

CANDIDATES = 15
ANCHOR = 0.9  # lexical score (relative to the best) of the clear matches
TOGETHER_WEIGHT = 1.2
KEEP = 0.5


def _together(proj: Projection, anchors: list[int], others: list[int]) -> np.ndarray:
    """Cosine co-occurrence of each of `others` with the closest anchor (projects, offers, needs)."""
    if not anchors or not others:
        return np.zeros(len(others))
    holders = sparse.vstack([proj.project_skills, proj.offers, proj.needs]).tocsc()
    holders.data[:] = 1.0
    a, o = holders[:, anchors], holders[:, others]
    co = (a.T @ o).toarray()
    na = np.sqrt(np.asarray(a.sum(axis=0)).ravel())
    no = np.sqrt(np.asarray(o.sum(axis=0)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = co / np.outer(np.where(na > 0, na, 1.0), np.where(no > 0, no, 1.0))
    return np.nan_to_num(cos).max(axis=0)


def suggest_skills(proj: Projection, text: str | None, limit: int = 6, exclude: Iterable[str] = ()) -> list[str]:
    """Skill ids for a free text, best first; skills in `exclude` (already chosen) are left out."""
    # The graph's own skills (curated ones keep their synonyms and descriptions there), not
    # imported vocabularies that only name research fields.
    vocab = vocabulary(n for n in proj.skill_nodes if n.get("source") not in ("euroscivoc", "keyword"))
    found = [(proj.skill_index[s], score) for s, score in
             lexical_suggestions(text, limit=CANDIDATES, floor=0.25, vocab=vocab) if s in proj.skill_index]
    if not found:
        return []
    excluded = set(exclude)
    anchors = [i for i, score in found if score >= ANCHOR]
    others = [i for i, score in found if score < ANCHOR]
    together = dict(zip(others, _together(proj, anchors, others)))
    # A clear match goes together with itself: the others can join it, not overtake it.
    final = {i: score + TOGETHER_WEIGHT * (1.0 if i in anchors else together.get(i, 0.0)) for i, score in found}
    ranked = sorted(final.items(), key=lambda kv: (-kv[1], proj.skill_ids[kv[0]]))
    return [proj.skill_ids[i] for i, value in ranked
            if value >= KEEP and proj.skill_ids[i] not in excluded][:limit]
