"""Two-stage partner ranking: candidates from every signal, then a LightGBM LambdaRank re-ranker.

Stage 1 takes the union of each signal's top `CANDIDATES_PER_SIGNAL` organisations (text,
skills, Adamic–Adar, EASE set completion, RP3β random walks, graph embedding, repeat ties,
popularity). Stage 2 scores those candidates with features of the candidate, of the query
and of the pair (the candidate's strongest tie to a partner on board, shared projects, ties
in the same call family, ...) by a gradient-boosted LambdaRank model learned on past
consortia (`learn.train_task_model`). Everyone outside the candidates keeps the order of a
simple stage-1 score below them.

One model per task, because the inputs differ and so must the weights:

- ``partners``: a project text (topic, skills) with partners on board (issue 11, task a);
- ``organisation``: partners or one organisation alone, no text (task b: "partners for my
  organisation");
- ``idea``: a project idea without partners (task c).

`Scorer.contributions` splits a candidate's score into per-feature parts (TreeSHAP,
LightGBM ``pred_contrib``), which `reasons.signal_shares` groups into reason kinds.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.matching import rank, signals
from kim_network.matching.projection import Projection, topic_family, topic_programme
from kim_network.matching.rank import Query

TASKS = ("partners", "organisation", "idea")
CANDIDATES_PER_SIGNAL = 60
MODEL_DIR = Path(__file__).resolve().parent
MODEL_FILES = {task: MODEL_DIR / f"ranker_{task}.json" for task in TASKS}

# Kinds as the model sees them: CORDIS has no media companies or technology providers, so those
# count as companies (their own signals - needs, offers - are handled outside the model).
MODEL_KINDS = ("company", "university", "research_institute", "public_body", "other")
_KIND_ALIAS = {"media_company": "company", "tech_provider": "company"}

TEXT = ("text_lex", "text_profile", "text_knn", "text_best", "skill")
BASKET = ("aa", "ra", "direct", "repeat_rate", "ease", "rp3", "emb", "seed_profile", "family_profile")
PAIR = ("tie_max", "tied", "aa_max", "ease_max", "rp3_max", "emb_max", "coord_ties", "led_by", "recent_ties")
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
        "rp3_rel", "emb_rel", "direct_rel", "text_graph_rel", "seed_profile_rel", "pop_rel"),
    "organisation": BASKET + PAIR + CONTEXT + ("n_seeds", "seed_pop_pct", "seed_kind", "asks_as_lead") + (
        "aa_rel", "ease_rel", "rp3_rel", "emb_rel", "direct_rel", "seed_profile_rel", "family_profile_rel", "pop_rel"),
    "idea": TEXT + CONTEXT[:5] + ("idle_months",) + TOPIC[:7] + ("has_topic",) + (
        "text_lex_rel", "text_profile_rel", "text_knn_rel", "text_best_rel", "skill_rel", "pop_rel"),
}
CATEGORICAL = ("kind", "seed_kind")
# Evidence features: more of it never lowers a candidate's score (LightGBM monotone constraints,
# when a model is trained with them). It keeps the reasons honest and the model steady when the
# history grows longer than in training; `idle_months` (time since the last project) only lowers.
MONOTONE_UP = frozenset(TEXT + BASKET + PAIR + ("text_graph", "pop_pct", "pop_rate", "family_exp", "programme_exp",
                                                "family_rate", "programme_rate", "family_ties", "kind_fit")
                        + tuple(RELATIVE))
MONOTONE_DOWN = frozenset({"idle_months"})
# The popularity prior's floor: a share of all projects below it counts as it (see TaskModel.prior).
PRIOR_FLOOR = 1e-5


def monotone_constraints(names: Sequence[str]) -> list[int]:
    """LightGBM's per-feature monotone constraints for a feature list.

    >>> monotone_constraints(["aa", "kind", "idle_months"])
    [1, 0, -1]
    """
    return [1 if n in MONOTONE_UP else -1 if n in MONOTONE_DOWN else 0 for n in names]

# Which signals feed the candidate list of each task.
SOURCES: dict[str, tuple[str, ...]] = {
    "partners": ("text_knn", "text_lex", "text_best", "skill", "aa", "ease", "rp3", "emb", "direct", "text_graph",
                 "pop_pct"),
    "organisation": ("aa", "ease", "rp3", "emb", "direct", "seed_profile", "family_profile", "pop_pct"),
    "idea": ("text_knn", "text_lex", "text_best", "text_profile", "skill", "family_exp", "pop_pct"),
}


def task_for(query: Query) -> str:
    """Which model answers a query: text and partners, partners only, or text only.

    >>> task_for(Query(text="subtitles", seeds=[1])), task_for(Query(seeds=[1])), task_for(Query(text="x"))
    ('partners', 'organisation', 'idea')
    """
    has_text = bool(query.text.strip() or query.skills)
    if query.seeds:
        return "partners" if has_text else "organisation"
    return "idea"


QUERY_TEXT_FIELDS = ("title", "keywords", "objective", "topic_title")


def project_query(proj: Projection, fields: Mapping, seeds: Sequence[int] = ()) -> tuple[Query, list[str]]:
    """The query of a project description as `kim partners` reads it, and the unknown terms.

    `fields` holds ``title``, ``keywords``, ``objective``, ``topic``, ``topic_title`` and
    ``euroscivoc`` (ids, codes, paths or titles). The text is the four text fields and the
    euroSciVoc titles; the skills are the euroSciVoc terms found in the taxonomy, or else
    the skills the text names.
    """
    terms = fields.get("euroscivoc") or []
    if isinstance(terms, str):
        terms = [terms]
    found, unknown = proj.resolve_skills(terms)
    text = "\n".join(str(fields.get(f) or "") for f in QUERY_TEXT_FIELDS).strip()
    titles = " ".join(proj.skill_name(s, "en") for s in found)
    if titles:
        text = (text + "\n" + titles).strip()
    skills = {s: 1.0 for s in found}
    if not skills and text:
        skills = {s: 0.7 for s in proj.skills_in_text(text)}
    return Query(text=text, skills=skills, seeds=list(seeds), topic=fields.get("topic") or None), unknown


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
        cache["has_rows"] = np.diff(proj.consortium.indptr) > 0
        months = np.array([_month(d) for d in proj.project_date], dtype=np.float64)
        newest = float(np.nanmax(months)) if len(months) and not np.all(np.isnan(months)) else 0.0
        age = np.where(np.isnan(months), np.inf, newest - months)
        cache["recent_projects"] = (age < RECENT_MONTHS).astype(np.float32)
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


# -- stage-1 signals over all actors ------------------------------------------------------
@dataclass
class TextSignals:
    """Text and skill similarity of every actor to the query (zeros when there is no text)."""

    text_lex: np.ndarray
    text_profile: np.ndarray
    text_knn: np.ndarray
    text_best: np.ndarray
    skill: np.ndarray
    project_sims: np.ndarray | None = None  # max(0, cosine)² of each past project with the query
    qvec: np.ndarray | None = None


KNN_PROJECTS = 100


def text_signals_many(proj: Projection, queries: Sequence[Query]) -> list[TextSignals]:
    """`TextSignals` of several queries, with the dense products done for all at once."""
    lx = _extras(proj)
    n, m = proj.n_actors, len(queries)
    zeros = np.zeros(n, dtype=np.float32)
    texts = [q.text if q.text.strip() else "" for q in queries]
    with_text = [j for j, t in enumerate(texts) if t]
    lex_all = np.zeros((m, n), dtype=np.float32)
    profile_all = np.zeros((m, n), dtype=np.float32)
    sims_all = None
    vecs = None
    if with_text and proj.text.vectorizer is not None:
        L = proj.text.sparse([texts[j] for j in with_text]).tocsr()
        lex = (L @ proj.actor_lex.T.tocsr()) if L.nnz else None
        if lex is not None:
            lex_all[with_text] = lex.toarray()
        if proj.text.svd is not None:
            vecs = proj.text.reduce(L)
            profile_all[with_text] = vecs @ lx["actor_vecs_t"]
            sims_all = vecs @ lx["project_vecs_t"]
    skill_rows = [j for j, q in enumerate(queries) if q.skills]
    skill_all = np.zeros((m, n), dtype=np.float32)
    if skill_rows:
        S = sparse.vstack([proj.skill_vector(queries[j].skills) for j in skill_rows]).tocsr()
        skill_all[skill_rows] = (S @ proj.competence.T.tocsr()).toarray()
    out = []
    pos = {j: i for i, j in enumerate(with_text)}
    inc, cons = proj.incidence, proj.consortium
    for j in range(m):
        knn = best = zeros
        sims2 = qvec = None
        if sims_all is not None and j in pos:
            raw = sims_all[pos[j]]
            qvec = vecs[pos[j]]
            knn = signals.log_scale(signals.project_neighbours(raw, inc, KNN_PROJECTS))
            pos_raw = np.maximum(raw, 0.0)
            sims2 = pos_raw ** 2
            best = np.zeros(n, dtype=np.float32)
            if cons.nnz:
                has = lx["has_rows"]
                best[has] = np.maximum.reduceat(pos_raw[cons.indices], cons.indptr[:-1][has])
        out.append(TextSignals(lex_all[j], profile_all[j], knn, best, skill_all[j], sims2, qvec))
    return out


def text_signals(proj: Projection, query: Query) -> TextSignals:
    return text_signals_many(proj, [query])[0]


@dataclass
class BasketSignals:
    """Graph signals from the partners on board, summed over them, for every actor."""

    seeds: list[int]
    aa: np.ndarray
    ra: np.ndarray
    direct: np.ndarray
    repeat_rate: np.ndarray
    ease: np.ndarray
    rp3: np.ndarray
    emb: np.ndarray
    seed_profile: np.ndarray
    family_profile: np.ndarray
    text_graph: np.ndarray


def _unit_rows(V: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return V / norms


def summed_rows(m: sparse.csr_matrix, rows: Sequence[int], weights: np.ndarray | None = None) -> np.ndarray:
    """The sum of a few rows of a CSR matrix (each times its weight), added row by row in the
    order given as `m[rows].sum(axis=0)` (or `m[rows].T @ weights`) adds them, in the matrix's dtype.

    >>> m = sparse.csr_matrix(np.array([[1.0, 0, 2], [0, 3, 1]], dtype=np.float32))
    >>> summed_rows(m, [0, 1]).tolist(), summed_rows(m, [1], np.array([2.0], dtype=np.float32)).tolist()
    ([1.0, 3.0, 3.0], [0.0, 6.0, 2.0])
    """
    out = np.zeros(m.shape[1], dtype=m.dtype)
    for r, i in enumerate(rows):
        start, end = m.indptr[i], m.indptr[i + 1]
        values = m.data[start:end] if weights is None else m.data[start:end] * weights[r]
        out[m.indices[start:end]] += values
    return out


def basket_signals_many(proj: Projection, seed_lists: Sequence[Sequence[int]],
                        project_sims: Sequence[np.ndarray | None] | None = None) -> list[BasketSignals]:
    """`BasketSignals` of several seed lists (dense products for all at once)."""
    ex = rank._extras(proj)
    lx = _extras(proj)
    n = proj.n_actors
    zeros = np.zeros(n, dtype=np.float32)
    lists = [[int(s) for s in seeds] for seeds in seed_lists]
    full = [j for j, seeds in enumerate(lists) if seeds]
    emb_all = prof_all = None
    if full:
        if proj.embedding is not None:
            V = np.vstack([proj.embedding[lists[j]].sum(axis=0) for j in full])
            emb_all = _unit_rows(V) @ lx["embedding_t"]
        P = np.vstack([proj.actor_vecs[lists[j]].sum(axis=0) for j in full])
        prof_all = _unit_rows(P) @ lx["actor_vecs_t"]
    pos = {j: i for i, j in enumerate(full)}
    b = ex["collab01"]
    out = []
    for j, seeds in enumerate(lists):
        if not seeds:
            out.append(BasketSignals([], zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros))
            continue
        first = summed_rows(b, seeds)
        hop = np.flatnonzero(first)
        if len(hop):
            # Second hop from the seeds' neighbours only: Adamic–Adar and resource allocation.
            weights = np.vstack([first[hop] * lx["w_aa"][hop], first[hop] * lx["w_ra"][hop]])
            both = np.asarray(weights @ b[hop], dtype=np.float32)
            aa, ra = both[0], both[1]
        else:
            aa = ra = zeros
        direct = summed_rows(proj.collab, seeds)
        per_seed = (1.0 / np.maximum(lx["n_projects"][seeds], 1.0)).astype(np.float32)
        repeat = summed_rows(proj.collab, seeds, per_seed)
        ease = proj.ease.scores(seeds) if proj.ease is not None else zeros
        rp3 = summed_rows(proj.rp3, seeds) if proj.rp3 is not None else zeros
        emb = emb_all[pos[j]] if emb_all is not None else zeros
        sims = project_sims[j] if project_sims is not None else None
        if sims is not None and len(sims):
            per_project = summed_rows(proj.consortium, seeds) * sims
            text_graph = np.asarray(proj.consortium @ per_project, dtype=np.float32).ravel()
        else:
            text_graph = zeros
        fam = summed_rows(lx["families_of"], seeds)
        norm = float(np.linalg.norm(fam))
        family = np.asarray(lx["families_of"] @ (fam / norm), dtype=np.float32).ravel() if norm > 0 else zeros
        out.append(BasketSignals(seeds, aa, ra, direct, repeat, ease, rp3, emb, prof_all[pos[j]], family, text_graph))
    return out


def basket_signals(proj: Projection, seeds: Sequence[int], project_sims: np.ndarray | None = None) -> BasketSignals:
    return basket_signals_many(proj, [seeds], [project_sims])[0]


# -- stage 1: candidates -----------------------------------------------------------------
def top_of(values: np.ndarray, pool: np.ndarray, n: int) -> np.ndarray:
    """Indexes (into the actors) of the `n` best pool members with a positive value.

    >>> top_of(np.array([0.0, 3.0, 1.0, 2.0]), np.array([0, 1, 2]), 5).tolist()
    [1, 2]
    """
    v = values[pool]
    positive = np.flatnonzero(v > 0)
    if len(positive) > n:
        positive = positive[np.argpartition(-v[positive], n - 1)[:n]]
    return pool[positive]


@dataclass
class Candidates:
    """The stage-1 candidates of one query and their features (rows follow `index`)."""

    task: str
    index: np.ndarray
    features: dict[str, np.ndarray]
    first_stage: np.ndarray  # stage-1 score of every actor (orders those outside the candidates)
    sources: list = field(default_factory=list)  # (signal, vector, weight / its best value) of stage 1

    def first_stage_parts(self, actor: int) -> dict[str, float]:
        """Each stage-1 signal's part of an actor's stage-1 score."""
        return {name: float(w * max(v[actor], 0.0)) for name, v, w in self.sources if v[actor] > 0}

    def matrix(self, names: Sequence[str], rows: Sequence[int] | None = None) -> np.ndarray:
        """The feature rows (all, or those at positions `rows`) in the order of `names`."""
        if not len(self.index) or (rows is not None and not len(rows)):
            return np.zeros((0, len(names)), dtype=np.float32)
        if rows is None:
            return np.column_stack([self.features[f] for f in names]).astype(np.float32)
        return np.column_stack([self.features[f][rows] for f in names]).astype(np.float32)


def _source(name: str, text: TextSignals | None, basket: BasketSignals | None, lx: dict,
            family: np.ndarray | None) -> np.ndarray | None:
    if name in TEXT:
        return getattr(text, name) if text is not None else None
    if name in BASKET or name == "text_graph":
        return getattr(basket, name) if basket is not None else None
    if name == "pop_pct":
        return lx["pop_pct"]
    if name == "family_exp":
        return family
    return None


def candidates(proj: Projection, task: str, query: Query, pool: np.ndarray, *, text: TextSignals | None = None,
               basket: BasketSignals | None = None, per_signal: int = CANDIDATES_PER_SIGNAL,
               extra_sources: Sequence[np.ndarray] = ()) -> Candidates:
    """Stage 1 and the feature rows of stage 2 for one query.

    `pool` is a boolean mask of who may be recommended (the partners on board are removed
    here). `text` and `basket` may be passed in when the caller has them already.
    `extra_sources` are further score vectors whose top entries join the candidates (e.g.
    declared offers that meet declared needs).
    """
    lx = _extras(proj)
    seeds = list(query.seeds)
    if task in ("partners", "idea") and text is None:
        text = text_signals(proj, query)
    if task == "organisation":
        text = None
    if task in ("partners", "organisation") and basket is None:
        basket = basket_signals(proj, seeds, text.project_sims if text is not None else None)
    if task == "idea":
        basket = None
    mask = pool.copy()
    if seeds:
        mask[seeds] = False
    pool_idx = np.flatnonzero(mask)
    topic = query.topic if task != "organisation" else None
    family = _topic_vector(proj, "f", topic) if topic else None
    chosen = []
    first = np.zeros(proj.n_actors, dtype=np.float64)
    sources = []
    for name in SOURCES[task]:
        v = _source(name, text, basket, lx, family)
        if v is None:
            continue
        chosen.append(top_of(v, pool_idx, per_signal))
        hi = float(v[pool_idx].max()) if len(pool_idx) else 0.0
        if hi > 0:
            weight = (0.1 if name == "pop_pct" else 1.0) / hi
            first += weight * np.maximum(v, 0)
            sources.append((name, v, weight))
    for v in extra_sources:
        chosen.append(top_of(np.asarray(v, dtype=np.float32), pool_idx, per_signal))
    index = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    feats = _features(proj, task, query, index, text, basket)
    return Candidates(task, index, feats, first, sources)


def _topic_vector(proj: Projection, kind: str, topic: str | None) -> np.ndarray | None:
    if not topic:
        return None
    ex = rank._extras(proj)
    if kind == "f":
        return rank._topic_experience(proj, ex["families"], "f|" + topic_family(topic))
    return rank._topic_experience(proj, ex["programmes"], "p|" + topic_programme(topic))


def dense_rows(m: sparse.csr_matrix, rows: Sequence[int]) -> np.ndarray:
    """`m[rows].toarray()` for a few rows of a CSR matrix, without building the sub-matrix.

    >>> dense_rows(sparse.csr_matrix(np.array([[0, 2.0], [3.0, 0]], dtype=np.float32)), [1, 0]).tolist()
    [[3.0, 0.0], [0.0, 2.0]]
    """
    out = np.zeros((len(rows), m.shape[1]), dtype=m.dtype)
    for r, i in enumerate(rows):
        start, end = m.indptr[i], m.indptr[i + 1]
        out[r, m.indices[start:end]] = m.data[start:end]
    return out


def seed_project_counts(m: sparse.csr_matrix, rows: Sequence[int]) -> np.ndarray:
    """How many of `rows` have an entry in each column of a 0/1 matrix (e.g. seeds per project).

    >>> seed_project_counts(sparse.csr_matrix(np.array([[1, 1, 0], [0, 1, 0]], dtype=np.float32)), [0, 1]).tolist()
    [1.0, 2.0, 0.0]
    """
    out = np.zeros(m.shape[1], dtype=np.float32)
    for i in rows:
        out[m.indices[m.indptr[i]:m.indptr[i + 1]]] += 1.0
    return out


def _pair(proj: Projection, seeds: list[int], cand: np.ndarray, topic: str | None) -> dict[str, np.ndarray]:
    """Features of each candidate with each partner on board, reduced over the partners."""
    lx = _extras(proj)
    ex = rank._extras(proj)
    C = len(cand)
    out = {}
    if not seeds or not C:
        return {f: np.zeros(C, dtype=np.float32) for f in PAIR + ("family_ties",)}
    direct = dense_rows(proj.collab, seeds)[:, cand]
    out["tie_max"] = direct.max(axis=0)
    out["tied"] = (direct > 0).sum(axis=0) / len(seeds)
    b = ex["collab01"]
    weighted = dense_rows(b, seeds) * lx["w_aa"][None, :]  # k × actors: dense is the fast side here
    out["aa_max"] = np.asarray(b[cand] @ weighted.T).max(axis=1)
    out["ease_max"] = proj.ease.rows(seeds, cand).max(axis=0) if proj.ease is not None else np.zeros(C)
    out["rp3_max"] = dense_rows(proj.rp3, seeds)[:, cand].max(axis=0) if proj.rp3 is not None else np.zeros(C)
    if proj.embedding is not None:
        out["emb_max"] = (proj.embedding[cand] @ proj.embedding[seeds].T).max(axis=1)
    else:
        out["emb_max"] = np.zeros(C)
    # Shared projects of each candidate with the seeds (consortium and coordination are 0/1, so
    # these are whole counts, summed project by project): coordinated by a seed, recent, in the
    # call family, and led by the candidate.
    coord = lx["coordinated"]
    cons = proj.consortium
    with_seeds = seed_project_counts(cons, seeds)  # seeds in each project
    by_seeds = seed_project_counts(coord, seeds)  # seeds coordinating each project
    columns = [by_seeds, with_seeds * lx["recent_projects"]]
    fam = ex["families"].get(topic_family(topic)) if topic else None
    if fam:
        marks = np.zeros(cons.shape[1], dtype=np.float32)
        marks[fam] = 1.0
        columns.append(with_seeds * marks)
    shared = cons[cand] @ np.column_stack(columns)
    out["coord_ties"] = shared[:, 0]
    out["recent_ties"] = shared[:, 1]
    out["family_ties"] = shared[:, 2] if fam else np.zeros(C)
    out["led_by"] = coord[cand] @ with_seeds
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _context(proj: Projection, topic: str | None, seeds: list[int], cand: np.ndarray) -> dict[str, np.ndarray]:
    """`rank.context_features`, for the candidates only."""
    ex = rank._extras(proj)
    C = len(cand)
    class_idx = ex["class_idx"]
    prior = proj.kind_prior.distribution(topic)
    out: dict[str, np.ndarray] = {}
    if seeds:
        seed_country = proj.country_index[seeds]
        counts = np.bincount(seed_country, minlength=len(proj.country_codes))
        out["same_country"] = counts[proj.country_index[cand]] / len(seeds)
        codes = ex["region_code"]
        seed_codes = codes[seeds]
        seed_codes = seed_codes[seed_codes >= 0]
        cc = codes[cand]
        if len(seed_codes):
            per_region = np.bincount(seed_codes, minlength=int(codes.max()) + 1).astype(np.float32)
            out["same_region"] = np.where(cc >= 0, per_region[np.maximum(cc, 0)], 0.0) / len(seeds)
        else:
            out["same_region"] = np.zeros(C)
        out["country_fit"] = signals.country_affinity(proj.country_index[cand], proj.country_lift, seed_country)
    else:
        out["same_country"] = out["same_region"] = out["country_fit"] = np.zeros(C)
    cls = class_idx[cand]
    out["kind_fit"] = signals.class_fit(cls, prior, proj.kind_prior.overall)
    out["kind_gap"] = signals.class_gap(cls, prior, class_idx[seeds] if seeds else [], len(seeds) + 1)
    fam = _topic_vector(proj, "f", topic)
    prog = _topic_vector(proj, "p", topic)
    out["family_exp"] = fam[cand] if fam is not None else np.zeros(C)
    out["programme_exp"] = prog[cand] if prog is not None else np.zeros(C)
    # The share of the call family's (programme's) past projects the candidate was in: how
    # usual it is in such consortia, comparable across years.
    n_fam = len(ex["families"].get(topic_family(topic), ())) if topic else 0
    n_prog = len(ex["programmes"].get(topic_programme(topic), ())) if topic else 0
    out["family_rate"] = np.expm1(out["family_exp"]) / n_fam if n_fam else np.zeros(C)
    out["programme_rate"] = np.expm1(out["programme_exp"]) / n_prog if n_prog else np.zeros(C)
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _features(proj: Projection, task: str, query: Query, cand: np.ndarray, text: TextSignals | None,
              basket: BasketSignals | None) -> dict[str, np.ndarray]:
    lx = _extras(proj)
    seeds = list(query.seeds)
    C = len(cand)
    topic = query.topic if task != "organisation" else None
    f: dict[str, np.ndarray] = {}
    if text is not None:
        for name in TEXT:
            f[name] = getattr(text, name)[cand]
    if basket is not None:
        for name in BASKET + ("text_graph",):
            f[name] = getattr(basket, name)[cand]
    if task != "idea":
        f.update(_pair(proj, seeds, cand, topic))
    f["pop_pct"] = lx["pop_pct"][cand]
    f["pop_rate"] = lx["pop_rate"][cand]
    f["coord_share"] = lx["coord_share"][cand]
    f["kind"] = lx["kind"][cand]
    f["sme"] = lx["sme"][cand]
    f["idle_months"] = lx["idle_months"][cand]
    f.update(_context(proj, topic, seeds, cand))
    n_proj = np.maximum(lx["n_projects"][cand], 1.0)
    f["family_share"] = (np.expm1(f["family_exp"]) / n_proj).astype(np.float32)
    f["n_seeds"] = np.full(C, np.log1p(len(seeds)), dtype=np.float32)
    f["has_topic"] = np.full(C, 1.0 if topic else 0.0, dtype=np.float32)
    f["asks_as_lead"] = np.full(C, 1.0 if query.asks_as_lead else 0.0, dtype=np.float32)
    if seeds:
        f["seed_pop_pct"] = np.full(C, float(np.mean(lx["pop_pct"][seeds])), dtype=np.float32)
        kinds = lx["kind"][seeds].astype(np.int64)
        f["seed_kind"] = np.full(C, float(np.bincount(kinds).argmax()), dtype=np.float32)
    else:
        f["seed_pop_pct"] = np.zeros(C, dtype=np.float32)
        f["seed_kind"] = np.full(C, float(MODEL_KINDS.index("other")), dtype=np.float32)
    for rel, base in RELATIVE.items():
        if base in f:
            v = f[base]
            hi = float(v.max()) if C else 0.0
            f[rel] = (v / hi).astype(np.float32) if hi > 0 else np.zeros(C, dtype=np.float32)
    return {k: np.asarray(v, dtype=np.float32) for k, v in f.items()}


# -- stage 2: the learned models -----------------------------------------------------------
@dataclass
class TaskModel:
    """A LightGBM LambdaRank booster for one task, with the feature order it was trained on."""

    task: str
    features: tuple[str, ...]
    booster: object
    meta: dict = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        """Weight of the popularity prior added to the booster's score (selected on 2023, see
        `learn.select_prior`; 0 for a model without one)."""
        return float(self.meta.get("prior_weight", 0.0))

    def prior(self, X: np.ndarray) -> np.ndarray:
        """The popularity prior of each row: `prior_weight` × log of the candidate's share of all
        projects over the floor share (never negative; 0 without projects)."""
        if not self.prior_weight or "pop_rate" not in self.features or not len(X):
            return np.zeros(len(X))
        rate = X[:, self.features.index("pop_rate")].astype(np.float64)
        return self.prior_weight * np.log(np.maximum(rate, PRIOR_FLOOR) / PRIOR_FLOOR)

    def predict(self, X: np.ndarray, *, prior: bool = True) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        s = np.asarray(self.booster.predict(X, num_threads=1), dtype=np.float64)
        return s + self.prior(X) if prior else s

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions (rows × features) and, in the last column, the base value;
        the popularity prior counts as part of the ``pop_rate`` feature's contribution."""
        if not len(X):
            return np.zeros((0, len(self.features) + 1))
        out = np.asarray(self.booster.predict(X, pred_contrib=True, num_threads=1), dtype=np.float64)
        if self.prior_weight and "pop_rate" in self.features:
            out[:, self.features.index("pop_rate")] += self.prior(X)
        return out

    def to_json(self) -> str:
        return json.dumps({"task": self.task, "features": list(self.features), "meta": self.meta,
                           "model": self.booster.model_to_string()}, indent=0)

    @classmethod
    def from_json(cls, text: str) -> "TaskModel":
        import lightgbm as lgb

        data = json.loads(text)
        booster = lgb.Booster(model_str=data["model"])
        return cls(data["task"], tuple(data["features"]), booster, data.get("meta", {}))


@functools.lru_cache(maxsize=None)
def load_model(task: str) -> TaskModel | None:
    """The shipped model of a task, or None when it is missing (the stage-1 order is used then)."""
    path = MODEL_FILES[task]
    try:
        return TaskModel.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None


@dataclass
class Ranked:
    """Scores of every actor for one query (candidates first, in model order) and the parts."""

    task: str
    scores: np.ndarray
    candidates: Candidates
    model_scores: np.ndarray
    model: TaskModel | None
    qvec: np.ndarray | None = None  # the query text in the LSA space (for "similar projects" reasons)

    def features_of(self, actor: int) -> dict[str, float]:
        """The stage-2 features of one candidate ({} for an actor outside the candidates)."""
        hit = np.flatnonzero(self.candidates.index == actor)
        if not len(hit):
            return {}
        return {k: float(v[hit[0]]) for k, v in self.candidates.features.items()}

    def contributions(self, actors: Sequence[int]) -> list[dict[str, float]]:
        """Each feature's part of the score of `actors`: the model's (TreeSHAP) for candidates,
        the stage-1 signals' for everyone else and when no model is shipped."""
        out: list[dict[str, float]] = [self.candidates.first_stage_parts(int(a)) for a in actors]
        if self.model is None:
            return out
        pos = {int(a): i for i, a in enumerate(self.candidates.index)}
        rows = [pos.get(int(a)) for a in actors]
        have = [r for r in rows if r is not None]
        if not have:
            return out
        contrib = self.model.contributions(self.candidates.matrix(self.model.features, have))
        it = iter(contrib)
        for j, r in enumerate(rows):
            if r is not None:
                row = next(it)
                out[j] = {name: float(v) for name, v in zip(self.model.features, row[:-1])}
        return out


def _finish(task: str, cands: Candidates, pool: np.ndarray, seeds: Sequence[int], model: TaskModel | None,
            s: np.ndarray, qvec: np.ndarray | None = None) -> Ranked:
    """Candidates by their model score; everyone else in the pool below, in stage-1 order."""
    out = np.full(len(pool), -np.inf)
    rest = pool.copy()
    if len(seeds):
        rest[list(seeds)] = False
    rest[cands.index] = False
    floor = float(s.min()) if len(s) else 0.0
    first = cands.first_stage
    top = float(first[rest].max()) if rest.any() else 0.0
    # Outside the candidates: below the lowest candidate, in stage-1 order, within one unit.
    out[rest] = floor - 1.0 - (top - first[rest]) / (top + 1.0)
    out[cands.index] = s
    return Ranked(task, out, cands, s, model, qvec)


def score_many(proj: Projection, queries: Sequence[Query], pool: np.ndarray, tasks: Sequence[str | None] | None = None,
               *, models: Mapping[str, TaskModel | None] | None = None,
               extra_sources: Sequence[Sequence[np.ndarray]] | None = None) -> list[Ranked]:
    """Rank every actor for each query, the dense products and model calls shared by all.

    Seeds (partners on board) are never candidates and get −inf, as do actors outside `pool`.
    """
    tasks = [t or task_for(q) for t, q in zip(tasks or [None] * len(queries), queries)]
    text_idx = [j for j, t in enumerate(tasks) if t != "organisation"]
    texts: list[TextSignals | None] = [None] * len(queries)
    if text_idx:
        # One text computation per distinct text and skill set (hidden-member queries share them).
        keys = {}
        for j in text_idx:
            keys.setdefault((queries[j].text, tuple(sorted(queries[j].skills.items()))), []).append(j)
        uniq = list(keys)
        signals_ = text_signals_many(proj, [queries[keys[k][0]] for k in uniq])
        for k, sig in zip(uniq, signals_):
            for j in keys[k]:
                texts[j] = sig
    basket_idx = [j for j, t in enumerate(tasks) if t != "idea"]
    baskets: list[BasketSignals | None] = [None] * len(queries)
    if basket_idx:
        made = basket_signals_many(proj, [queries[j].seeds for j in basket_idx],
                                   [texts[j].project_sims if texts[j] is not None else None for j in basket_idx])
        for j, b in zip(basket_idx, made):
            baskets[j] = b
    cands = [candidates(proj, t, q, pool, text=texts[j], basket=baskets[j],
                        extra_sources=(extra_sources[j] if extra_sources else ()))
             for j, (t, q) in enumerate(zip(tasks, queries))]
    scores: list[np.ndarray] = [np.zeros(0)] * len(queries)
    used: dict[str, TaskModel | None] = {}
    for task in set(tasks):
        model = (models or {}).get(task) if models and task in models else load_model(task)
        used[task] = model
        group = [j for j, t in enumerate(tasks) if t == task]
        if model is None:
            for j in group:
                scores[j] = cands[j].first_stage[cands[j].index]
            continue
        X = [cands[j].matrix(model.features) for j in group]
        if sum(len(x) for x in X):
            s = model.predict(np.vstack(X))
            at = 0
            for j, x in zip(group, X):
                scores[j] = s[at:at + len(x)]
                at += len(x)
    return [_finish(t, c, pool, q.seeds, used[t], s, texts[j].qvec if texts[j] is not None else None)
            for j, (t, c, q, s) in enumerate(zip(tasks, cands, queries, scores))]


def score(proj: Projection, query: Query, pool: np.ndarray, task: str | None = None, *,
          model: TaskModel | None = None, extra_sources: Sequence[np.ndarray] = ()) -> Ranked:
    """Rank every actor for one query: candidates by the task's model, the rest below by stage 1."""
    task = task or task_for(query)
    return score_many(proj, [query], pool, [task], models={task: model} if model is not None else None,
                      extra_sources=[extra_sources])[0]
