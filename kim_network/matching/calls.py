"""Which calls fit an organisation or person: the call's required skills against the member's profile.

Pure: reads the projection only (its competence matrix and the calls' REQUIRES skills).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from kim_network.matching.projection import Projection

COVER_THRESHOLD = 0.12  # as in the consortium builder: a member "covers" a skill from this cosine


@dataclass
class CallFit:
    call_id: str
    score: float  # cosine of the member's competence with the call's skills, 0..1
    covered: list[str] = field(default_factory=list)  # call skills the member has (ids)
    missing: list[str] = field(default_factory=list)  # call skills it lacks


def fitting_calls(proj: Projection, actor_id: str, call_ids: Iterable[str], k: int = 10,
                  min_score: float = 0.05) -> list[CallFit]:
    """The calls among `call_ids` whose required skills fit the actor best, with the skills it covers."""
    idx = proj.actor_index.get(actor_id)
    if idx is None:
        return []
    row = proj.competence[idx].tocsr() if hasattr(proj.competence, "tocsc") else proj.competence[idx]
    out = []
    for call_id in call_ids:
        weights = proj.call_skills.get(call_id) or {}
        if not weights:
            continue
        score = float((row @ proj.skill_vector(weights).T).toarray()[0, 0])
        if score < min_score:
            continue
        skills = list(weights)
        per_skill = np.asarray((row @ proj.single_skill_vectors(skills).T).toarray()).ravel()
        covered = [proj.skill_ids[s] for s, value in zip(skills, per_skill) if value >= COVER_THRESHOLD]
        missing = [proj.skill_ids[s] for s in skills if proj.skill_ids[s] not in covered]
        out.append(CallFit(call_id, round(score, 4), covered, missing))
    out.sort(key=lambda fit: (-fit.score, fit.call_id))
    return out[:k]
