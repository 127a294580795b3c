"""The learned ranker's feature names and the per-projection arrays its features read (`ltr`).

The helpers are computed once per projection (`warm`) and published with it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

from kim_network.matching import rank
from kim_network.matching.projection import Projection

# Kinds as the model sees them: CORDIS has no media companies or technology providers, so those
# count as companies (their own signals - needs, offers - are handled outside the model).
MODEL_KINDS = ("company", "university", "research_institute", "public_body", "other")
_KIND_ALIAS = {"media_company": "company", "tech_provider": "company"}

TEXT = ("text_lex", "text_profile", "text_knn", "text_best", "skill")
BASKET = ("aa", "ra", "direct", "repeat_rate", "ease", "rp3", "emb", "seed_profile", "family_profile")
PAIR = ("tie_max", "tied", "aa_max", "ease_max", "rp3_max", "emb_max", "coord_ties", "led_by", "recent_ties")
# The evidence of the standard hybrid of issue 11 (baselines.StandardHybrid) as features, so the
# model can tell when it is decisive (e.g. a large repeat partner of most of the consortium):
# `std_aa` is its Adamic–Adar, the projects shared with the partners on board weighted by
# 1 / log(size of the project), `hyb` its blend 0.5·text + 0.5·graph + 0.05·projects (each
# relative to the best candidate), `*_rank` a candidate's place by it among the candidates
# (1 = first). `last_ties`: how many of the partners' LAST_PROJECTS newest projects the
# candidate shared (who joined their latest consortia).
STANDARD = ("std_aa", "std_aa_rel", "std_aa_rank", "hyb", "hyb_rank", "last_ties")
LAST_PROJECTS = 5
CONTEXT = ("pop_pct", "pop_rate", "coord_share", "kind", "sme", "same_country", "same_region", "country_fit",
           "idle_months")
# Recency is measured in months before the newest project of the graph, so it means the same
# with one year of history (training) as with four (serving); older than RECENCY_CAP months
# counts as RECENCY_CAP.
RECENT_MONTHS = 6
RECENCY_CAP = 24
TOPIC = ("kind_fit", "kind_gap", "family_exp", "family_share", "programme_exp", "family_rate", "programme_rate",
         "family_ties")
RELATIVE = {  # feature -> the signal it is relative to (value / the best candidate's value)
    "text_lex_rel": "text_lex", "text_profile_rel": "text_profile", "text_knn_rel": "text_knn",
    "text_best_rel": "text_best", "skill_rel": "skill", "aa_rel": "aa", "ease_rel": "ease", "rp3_rel": "rp3",
    "emb_rel": "emb", "direct_rel": "direct", "text_graph_rel": "text_graph", "seed_profile_rel": "seed_profile",
    "family_profile_rel": "family_profile", "pop_rel": "pop_pct",
}

FEATURES: dict[str, tuple[str, ...]] = {
    "partners": TEXT + ("text_graph",) + BASKET + PAIR + CONTEXT + TOPIC + ("n_seeds", "has_topic") + (
        "text_lex_rel", "text_profile_rel", "text_knn_rel", "text_best_rel", "skill_rel", "aa_rel", "ease_rel",
        "rp3_rel", "emb_rel", "direct_rel", "text_graph_rel", "seed_profile_rel", "pop_rel") + STANDARD,
    "organisation": BASKET + PAIR + CONTEXT + ("n_seeds", "seed_pop_pct", "seed_kind", "asks_as_lead") + (
        "aa_rel", "ease_rel", "rp3_rel", "emb_rel", "direct_rel", "seed_profile_rel", "family_profile_rel", "pop_rel"),
    # (STANDARD did not help this task on the 2023 validation: nDCG@10 0.1827 with it, 0.1872 without)
    "idea": TEXT + CONTEXT[:5] + ("idle_months",) + TOPIC[:7] + ("has_topic",) + (
        "text_lex_rel", "text_profile_rel", "text_knn_rel", "text_best_rel", "skill_rel", "pop_rel"),
}
CATEGORICAL = ("kind", "seed_kind")
# Evidence features: more of it never lowers a candidate's score (LightGBM monotone constraints,
# when a model is trained with them). It keeps the reasons honest and the model steady when the
# history grows longer than in training; `idle_months` (time since the last project) only lowers.
MONOTONE_UP = frozenset(TEXT + BASKET + PAIR + ("std_aa", "std_aa_rel", "hyb", "last_ties", "text_graph", "pop_pct", "pop_rate", "family_exp", "programme_exp",
                                                "family_rate", "programme_rate", "family_ties", "kind_fit")
                        + tuple(RELATIVE))
MONOTONE_DOWN = frozenset({"idle_months", "std_aa_rank", "hyb_rank"})


def monotone_constraints(names: Sequence[str]) -> list[int]:
    """LightGBM's per-feature monotone constraints for a feature list.

    >>> monotone_constraints(["aa", "kind", "idle_months"])
    [1, 0, -1]
    """
    return [1 if n in MONOTONE_UP else -1 if n in MONOTONE_DOWN else 0 for n in names]


# -- per-projection helpers -------------------------------------------------------------
def _extras(proj: Projection) -> dict:
    cache = proj.__dict__.get("_ltr")
    if cache is None:  # filled apart and published whole: a concurrent request never sees half of it
        cache = {}
        ex = rank._extras(proj)
        n_proj = proj.n_projects.astype(np.float64)
        active = n_proj > 0
        # Popularity as a percentile among actors with projects: the same meaning with one year
        # of history (training) as with four (serving).
        ranks = np.searchsorted(np.sort(n_proj[active]), n_proj, side="right") if active.any() else np.zeros(len(n_proj))
        cache["pop_pct"] = np.where(active, ranks / max(int(active.sum()), 1), 0.0).astype(np.float32)
        # ... and as the share of all projects the actor took part in (what popularity predicts).
        cache["pop_rate"] = (n_proj / max(len(proj.project_ids), 1)).astype(np.float32)
        coordinated = proj.coordinated if proj.coordinated is not None else sparse.csr_matrix(proj.consortium.shape)
        cache["coordinated"] = coordinated.tocsr()
        cache["coord_share"] = (np.asarray(coordinated.sum(axis=1)).ravel() / np.maximum(n_proj, 1)).astype(np.float32)
        kinds = {k: i for i, k in enumerate(MODEL_KINDS)}
        cache["kind"] = np.array([kinds.get(_KIND_ALIAS.get(str(k), str(k)), kinds["other"]) for k in proj.kind],
                                 dtype=np.float32)
        cache["sme"] = proj.sme.astype(np.float32)
        deg = ex["degree"]
        with np.errstate(divide="ignore"):
            cache["w_aa"] = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0).astype(np.float32)
        cache["w_ra"] = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0).astype(np.float32)
        cache["n_projects"] = n_proj
        # The 0/1 ties with sorted rows, for the chunk-wide second hops (`ltr_signals.second_hops`):
        # sorted once here instead of once per chunk (9 MB at CORDIS size).
        collab01 = ex["collab01"]
        cache["collab01_sorted"] = collab01 if collab01.has_sorted_indices else collab01.sorted_indices()
        cache["has_rows"] = np.diff(proj.consortium.indptr) > 0
        months = np.array([_month(d) for d in proj.project_date], dtype=np.float64)
        newest = float(np.nanmax(months)) if len(months) and not np.all(np.isnan(months)) else 0.0
        age = np.where(np.isnan(months), np.inf, newest - months)
        cache["recent_projects"] = (age < RECENT_MONTHS).astype(np.float32)
        cache["project_month"] = np.where(np.isnan(months), -np.inf, months)
        # The standard hybrid's Adamic–Adar weight of each project: 1 / log(max(its core size, 2)).
        size = np.asarray(proj.consortium.sum(axis=0)).ravel()
        cache["w_size"] = (1.0 / np.log(np.maximum(size, 2.0))).astype(np.float32)
        last = np.array([_month(d) for d in proj.last_date], dtype=np.float64)
        cache["idle_months"] = np.where(np.isnan(last), RECENCY_CAP, np.minimum(newest - last, RECENCY_CAP)).astype(
            np.float32)
        cache["actor_vecs_t"] = np.ascontiguousarray(proj.actor_vecs.T)
        cache["project_vecs_t"] = np.ascontiguousarray(proj.project_vecs.T)
        if proj.embedding is not None:
            cache["embedding_t"] = np.ascontiguousarray(proj.embedding.T)
        # Each actor's call families (topic codes without year and numbers), as unit rows: two
        # organisations that apply to the same kinds of call get close rows.
        fams = rank._extras(proj)["families"]
        rows, cols = [], []
        for f, (_name, projects) in enumerate(sorted(fams.items())):
            rows.extend(projects)
            cols.extend([f] * len(projects))
        PF = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                               shape=(len(proj.project_ids), max(len(fams), 1)))
        AF = (proj.consortium @ PF).tocsr()
        norms = np.sqrt(np.asarray(AF.multiply(AF).sum(axis=1)).ravel())
        cache["families_of"] = (sparse.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)
                                             .astype(np.float32)) @ AF).tocsr()
        cache = proj.__dict__.setdefault("_ltr", cache)
    return cache


def _month(day) -> float:
    """Months since year 0 of an ISO date (NaN when there is none).

    >>> _month("2023-07-15") - _month("2022-12-01")
    7.0
    """
    text = str(day or "")
    if len(text) < 7 or not text[:4].isdigit() or not text[5:7].isdigit():
        return float("nan")
    return int(text[:4]) * 12 + int(text[5:7]) - 1.0


def warm(proj: Projection) -> Projection:
    """Compute the per-projection helpers now, so they are published with the projection."""
    _extras(proj)
    return proj
