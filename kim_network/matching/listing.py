"""The ranking core every recommendation list shares: the learned score plus fixed-weight signals,
feedback and boosts, the chosen results, their strength and their reasons (`evidence`).

`recommenders` builds the lists on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from kim_network.core.visibility import Viewer
from kim_network.matching import candidates as C, evidence as E, inputs, ltr, rank, signals
from kim_network.matching.projection import Projection
from kim_network.matching.reasons import signal_shares
from kim_network.matching.strength import strengths
from kim_network.matching.supply import Skills
from kim_network.matching.types import Recommendation

NOT_RELEVANT_PENALTY = 3.0
USEFUL_SIMILARITY_BONUS = 1.0
PER_INSTITUTION = 2
BOOST_SCALE = 4.0


# -- the shared ranking core ------------------------------------------------------------
Models = Mapping[str, "ltr.TaskModel | None"]  # task -> model overrides (default: the shipped models)


@dataclass
class Scored:
    logit: np.ndarray
    ranked: ltr.Ranked
    extra: dict  # name -> (vector, weight): fixed-weight signals added to the logit


def score(proj: Projection, query: rank.Query, models: Models | None = None, extra: dict | None = None,
          candidates: np.ndarray | None = None) -> Scored:
    """The learned two-stage ranking (`ltr`) of the query's task, plus fixed-weight signals.

    `extra` signals (declared needs and offers, which CORDIS has none of) also bring their best
    organisations into the candidate list.
    """
    extra = extra or {}
    pool = candidates if candidates is not None else np.ones(proj.n_actors, dtype=bool)
    task = ltr.task_for(query)
    model = (models or {}).get(task)
    sources = [vec for vec, weight in extra.values() if weight > 0]
    ranked = ltr.score(proj, query, pool, task, model=model, extra_sources=sources)
    logit = ranked.scores.astype(np.float64)
    for vec, weight in extra.values():
        logit = logit + weight * vec
    return Scored(logit, ranked, extra)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def newcomers(proj: Projection) -> np.ndarray:
    """Actors without projects or ties yet."""
    degree = np.diff(proj.collab.indptr)
    return (proj.n_projects == 0) & (degree == 0)


def boost_vector(proj: Projection, sme_boost: float, newcomer_boost: float) -> tuple[np.ndarray, np.ndarray]:
    return (np.where(proj.sme, BOOST_SCALE * float(sme_boost), 0.0),
            np.where(newcomers(proj), BOOST_SCALE * float(newcomer_boost), 0.0))


def _rank(proj: Projection, scored: Scored, mask: np.ndarray, k: int, ctx: E.Context, *, feedback,
          sme_boost: float, newcomer_boost: float, diversity: bool = True, details: bool = True) -> list[Recommendation]:
    """The `k` best of `mask` by the scored logit, with their reasons; without `details`, no
    `signals` and no `strength` (the batch writes neither)."""
    hide, demote, useful = inputs.feedback(proj, feedback)
    mask = mask.copy()
    if hide:
        mask[list(hide)] = False
    logit = scored.logit.copy()
    if demote:
        # Demote by at least the spread of the shortlist, so the candidate really moves down.
        live = logit[mask]
        spread = float(np.max(live) - np.sort(live)[-min(len(live), 10)]) if len(live) else 0.0
        logit[list(demote)] -= max(NOT_RELEVANT_PENALTY, spread + 1.0)
    liked = None
    if useful:
        like_vec = proj.actor_vecs[list(useful)].mean(axis=0)
        liked = np.maximum(proj.actor_vecs @ like_vec, 0.0)
        logit += USEFUL_SIMILARITY_BONUS * liked
    if sme_boost or newcomer_boost:
        sme_part, new_part = boost_vector(proj, sme_boost, newcomer_boost)
        final = logit + sme_part + new_part  # ranking is on the logit scale (no saturation)
    else:  # no boosts (the batch and evaluation path): nothing to add
        sme_part = new_part = np.zeros(proj.n_actors)
        final = logit
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    take = min(len(idx), k * 4 if diversity else k)
    top = idx[np.argpartition(-final[idx], take - 1)[:take]] if take < len(idx) else idx
    top = top[np.argsort(-final[top], kind="stable")]
    if diversity:
        top = signals.diversify(list(top), [C.institution(proj.name(i)) for i in top], k, PER_INSTITUTION)
    top = [i for i in top if ctx.visible_actor(i)][:k]  # the authoritative check, per result

    # Score in 0..1 for the API: 0.5 for the typical candidate of the shortlist (the 5k-th
    # best). People read the strength instead: the result's place among the candidates.
    ref_rank = min(len(idx), 5 * k) - 1
    reference = float(np.partition(-final[idx], ref_rank)[ref_rank]) * -1.0
    shown = dict(zip(top, _sigmoid(final[top] - reference))) if top else {}
    places = strengths(final, idx, top) if details else {}
    ctx.pool = E.Pool.of(proj, mask)
    out = []
    model_parts = scored.ranked.contributions(top)  # TreeSHAP: each feature's part of the model score
    for i, parts in zip(top, model_parts):
        contributions = dict(parts)
        for name, (vec, weight) in scored.extra.items():
            contributions[name] = float(weight * vec[i])
        if useful and liked[i] > 0:  # liked is set when there is useful feedback
            contributions["feedback"] = float(USEFUL_SIMILARITY_BONUS * liked[i])
        contributions["sme_boost"] = float(sme_part[i])
        contributions["newcomer_boost"] = float(new_part[i])
        shares = signal_shares(contributions, 1.0)
        rec = Recommendation(
            id=proj.actor_ids[i], label=str(proj.actor_label[i]), score=round(float(shown[i]), 4), name=E.actor_name(proj, i),
            signals=scored.ranked.features_of(i) if details else {},
            strength=places.get(int(i)),
        )
        rec.reasons = E.reasons_for(ctx, i, shares, boosts={"sme": sme_part[i] > 0, "newcomer": new_part[i] > 0},
                                    demoted=i in demote, liked=bool(useful) and bool(liked[i] > 0.2))
        out.append(rec)
    return out


def _skill_weights(proj: Projection, matrix, i: int) -> dict[int, float]:
    row = matrix[i]
    return {int(s): float(w) for s, w in zip(row.indices, row.data)}


def skills_text(proj: Projection, skills: Mapping[int, float]) -> str:
    return " ".join(f"{proj.skill_name(s, 'en')} {proj.skill_name(s, 'de')}" for s in skills)


def _context(proj: Projection, viewer: Viewer, seeds: Sequence[int], needs: Sequence[int], subject: int | None,
             mode: str, qvec=None) -> E.Context:
    skills = Skills.of(proj)
    declared, inferred = C.supply_of(skills, subject) if subject is not None else ([], [])
    excluded = E.never_evidence(proj, viewer, *([subject] if subject is not None else []), *seeds)
    return E.Context(proj, skills, None, viewer, list(seeds), list(needs),
                     declared, excluded, mode=mode, qvec=qvec, inferred_supply=inferred,
                     subject_region=str(proj.region[subject]) if subject is not None else None,
                     subject_kind=str(proj.kind[subject]) if subject is not None else None,
                     visible_actor=C.visible_actor(proj, viewer), visible_project=C.visible_project(proj, viewer))
