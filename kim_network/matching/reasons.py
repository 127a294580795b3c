"""Readable reasons, in German and English, for one recommended candidate.

Reasons name skills, mutual partners and shared projects, and report the strongest signals
with their share of the score. Every node they mention passes the viewer's visibility check
first; skills are public.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

from kim_network.matching.projection import Projection

# Which reason kind each ranking feature (kim_network.matching.ltr) and each fixed-weight
# signal of the recommenders stands for; shares are summed per kind. Features that describe the
# query rather than the candidate (how many partners, whether a call topic was given) are the
# same for every candidate and are no reason for any: they map to None and are left out.
SIGNAL_GROUPS = {
    "text_lex": "text", "text_profile": "text", "text_knn": "text", "text_best": "text", "seed_profile": "text",
    "family_profile": "experience",
    "skill": "skills",
    "aa": "network", "ra": "network", "ease": "network", "rp3": "network", "emb": "network",
    "text_graph": "network", "aa_max": "network", "ease_max": "network", "rp3_max": "network", "emb_max": "network",
    "tied": "network",
    "direct": "repeat_partner", "repeat_rate": "repeat_partner", "tie_max": "repeat_partner",
    "coord_ties": "repeat_partner", "led_by": "repeat_partner", "recent_ties": "repeat_partner",
    "family_ties": "repeat_partner",
    "pop_pct": "experience", "coord_share": "experience", "idle_months": "experience", "family_exp": "experience",
    "family_share": "experience", "programme_exp": "experience", "pop_rate": "experience",
    "family_rate": "experience", "programme_rate": "experience",
    "kind": "kind_fit", "sme": "kind_fit", "kind_fit": "kind_fit", "kind_gap": "kind_fit",
    "country_fit": "region", "same_country": "region", "same_region": "region",
    "n_seeds": None, "has_topic": None, "seed_pop_pct": None, "seed_kind": None, "asks_as_lead": None,
    "needs": "skills", "topic": "text", "reciprocal": "reciprocal", "feedback": "feedback",
    "sme_boost": "sme_boost", "newcomer_boost": "newcomer_boost",
}
for _rel in ("text_lex", "text_profile", "text_knn", "text_best", "skill", "aa", "ease", "rp3", "emb", "direct",
             "text_graph", "seed_profile", "family_profile"):
    SIGNAL_GROUPS[_rel + "_rel"] = SIGNAL_GROUPS[_rel]
SIGNAL_GROUPS["pop_rel"] = "experience"

KIND_NAMES = {
    "company": ("Unternehmen", "company"),
    "company_sme": ("KMU", "SME"),
    "media_company": ("Medienunternehmen", "media company"),
    "media_company_sme": ("Medien-KMU", "media SME"),
    "tech_provider": ("Technologieanbieter", "technology provider"),
    "tech_provider_sme": ("Technologie-KMU", "technology SME"),
    "university": ("Hochschule", "university"),
    "research_institute": ("Forschungseinrichtung", "research institute"),
    "public_body": ("öffentliche Einrichtung", "public body"),
    "other": ("sonstige Organisation", "other organisation"),
    "researcher": ("Forscher*in", "researcher"),
    "expert": ("Expert*in", "expert"),
    "media_professional": ("Medienschaffende*r", "media professional"),
}


def _names(items: Sequence[str], limit: int = 3) -> str:
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" (+{len(items) - limit})"


def top_skills(proj: Projection, query_row, candidate: int, matrix=None, limit: int = 5) -> list[int]:
    """Skills that contribute most to the match of a query skill vector with a candidate.

    The query row and the candidate's profile are both taxonomy-expanded, so a broader skill
    can appear; named skills are the query's own skills first.
    """
    matrix = proj.competence if matrix is None else matrix
    if query_row is None or query_row.nnz == 0:
        return []
    q = query_row.tocsr()
    col = matrix[candidate, :].toarray().ravel() if matrix.format != "csc" else \
        np.asarray(matrix[candidate, q.indices].toarray()).ravel()
    values = col if matrix.format == "csc" else col[q.indices]
    products = values * q.data
    order = np.argsort(-products)
    return [int(q.indices[i]) for i in order[:limit] if products[i] > 0]


def skill_names(proj: Projection, skills: Iterable[int], lang: str) -> list[str]:
    return [proj.skill_name(s, lang) for s in skills]


def seed_weights(proj: Projection, seeds: Sequence[int]) -> np.ndarray:
    """Tie strength of every actor to the seeds (computed once per request for the reasons)."""
    if not len(seeds):
        return np.zeros(proj.n_actors, dtype=np.float32)
    return np.asarray(proj.collab[list(seeds)].sum(axis=0)).ravel()


def mutual_partners(proj: Projection, seeds: Sequence[int], candidate: int, visible: Callable[[int], bool],
                    limit: int = 3, seed_weight: np.ndarray | None = None) -> list[int]:
    """Actors that worked with both a seed and the candidate, strongest ties first, visible only."""
    if not len(seeds):
        return []
    collab = proj.collab
    cand_row = collab[candidate]
    if seed_weight is None:
        seed_weight = seed_weights(proj, seeds)
    neighbours = cand_row.indices
    strength = cand_row.data * seed_weight[neighbours]
    seed_set = set(int(x) for x in seeds)
    order = [int(neighbours[j]) for j in np.argsort(-strength, kind="stable") if strength[j] > 0]
    order = [z for z in order if z not in seed_set]
    # Name organisations before people: "both worked with X GmbH" is the reason people act on.
    same = proj.actor_label[candidate]
    out: list[int] = []
    for wanted in (True, False):
        for z in order:
            if (proj.actor_label[z] == same) == wanted and visible(z):
                out.append(z)
                if len(out) >= limit:
                    return out
    return out


def shared_projects(proj: Projection, seeds: Sequence[int], candidate: int, visible_project: Callable[[int], bool],
                    limit: int = 3) -> list[int]:
    """Projects the candidate shares with any seed, newest first, visible only."""
    if not len(seeds):
        return []
    inc = proj.incidence
    mine = set(inc[candidate].indices.tolist())
    theirs = set(np.concatenate([inc[s].indices for s in seeds]).tolist()) if len(seeds) else set()
    common = sorted(mine & theirs, key=lambda p: proj.project_date[p], reverse=True)
    return [p for p in common if visible_project(p)][:limit]


def similar_projects(proj: Projection, query_vec, candidate: int, visible_project: Callable[[int], bool],
                     limit: int = 2) -> list[int]:
    """The candidate's past projects closest to the query text, visible only."""
    if query_vec is None or proj.project_vecs.shape[1] != len(query_vec):
        return []
    mine = proj.incidence[candidate].indices
    if not len(mine):
        return []
    sims = proj.project_vecs[mine] @ query_vec
    order = np.argsort(-sims)
    return [int(mine[i]) for i in order if sims[i] > 0.2 and visible_project(int(mine[i]))][:limit]


def signal_shares(contributions: dict[str, float], model_share: float) -> dict[str, float]:
    """Positive signal contributions as shares of the score, grouped by reason kind.

    >>> signal_shares({"aa": 1.0, "ease": 1.0, "text_knn": 2.0, "pop_pct": -1.0, "n_seeds": 5.0}, 0.8)
    {'network': 0.4, 'text': 0.4}
    """
    positive = {k: v for k, v in contributions.items() if v > 0 and SIGNAL_GROUPS.get(k, k) is not None}
    total = sum(positive.values())
    if total <= 0:
        return {}
    grouped: dict[str, float] = {}
    for name, value in positive.items():
        group = SIGNAL_GROUPS.get(name, name)
        grouped[group] = grouped.get(group, 0.0) + value / total * model_share
    return {k: round(v, 4) for k, v in sorted(grouped.items(), key=lambda kv: -kv[1])}


