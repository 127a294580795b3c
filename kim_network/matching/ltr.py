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

from . import rank, signals
from .projection import Projection, topic_family
from .rank import Query

TASKS = ("partners", "organisation", "idea")
CANDIDATES_PER_SIGNAL = 60
MODEL_DIR = Path(__file__).resolve().parent
MODEL_FILES = {task: MODEL_DIR / f"ranker_{task}.json" for task in TASKS}

# Kinds as the model sees them: CORDIS has no media companies or technology providers, so those
# count as companies (their own signals - needs, offers - are handled outside the model).
MODEL_KINDS = ("company", "university", "research_institute", "public_body", "other")
_KIND_ALIAS = {"media_company": "company", "tech_provider": "company"}

TEXT = ("text_lex", "text_profile", "text_knn", "text_best", "skill")
BASKET = ("aa", "ra", "direct", "repeat_rate", "ease", "rp3", "emb", "seed_profile")
PAIR = ("tie_max", "tied", "aa_max", "ease_max", "rp3_max", "emb_max", "coord_ties", "led_by")
CONTEXT = ("pop_pct", "coord_share", "kind", "sme", "same_country", "same_region", "country_fit")
TOPIC = ("kind_fit", "kind_gap", "family_exp", "family_share", "programme_exp", "family_ties")
RELATIVE = {  # feature -> the signal it is relative to (value / the best candidate's value)
    "text_lex_rel": "text_lex", "text_profile_rel": "text_profile", "text_knn_rel": "text_knn",
    "text_best_rel": "text_best", "skill_rel": "skill", "aa_rel": "aa", "ease_rel": "ease", "rp3_rel": "rp3",
    "emb_rel": "emb", "direct_rel": "direct", "text_graph_rel": "text_graph", "seed_profile_rel": "seed_profile",
    "pop_rel": "pop_pct",
}

FEATURES: dict[str, tuple[str, ...]] = {
    "partners": TEXT + ("text_graph",) + BASKET + PAIR + CONTEXT + TOPIC + ("n_seeds", "has_topic") + (
        "text_lex_rel", "text_profile_rel", "text_knn_rel", "text_best_rel", "skill_rel", "aa_rel", "ease_rel",
        "rp3_rel", "emb_rel", "direct_rel", "text_graph_rel", "seed_profile_rel", "pop_rel"),
    "organisation": BASKET + PAIR + CONTEXT + ("n_seeds", "seed_pop_pct", "seed_kind") + (
        "aa_rel", "ease_rel", "rp3_rel", "emb_rel", "direct_rel", "seed_profile_rel", "pop_rel"),
    "idea": TEXT + CONTEXT[:4] + TOPIC[:5] + ("has_topic",) + (
        "text_lex_rel", "text_profile_rel", "text_knn_rel", "text_best_rel", "skill_rel", "pop_rel"),
}
CATEGORICAL = ("kind", "seed_kind")

# Which signals feed the candidate list of each task.
SOURCES: dict[str, tuple[str, ...]] = {
    "partners": ("text_knn", "text_lex", "text_best", "skill", "aa", "ease", "rp3", "emb", "direct", "text_graph",
                 "pop_pct"),
    "organisation": ("aa", "ease", "rp3", "emb", "direct", "seed_profile", "pop_pct"),
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
    cache = proj.__dict__.setdefault("_ltr", {})
    if not cache:
        ex = rank._extras(proj)
        n_proj = proj.n_projects.astype(np.float64)
        order = np.argsort(n_proj, kind="stable")
        pct = np.empty(len(n_proj), dtype=np.float32)
        active = n_proj > 0
        # Percentile among actors with projects (scale-free: the same meaning with 1 or 4 years of data).
        ranks = np.searchsorted(np.sort(n_proj[active]), n_proj, side="right") if active.any() else np.zeros(len(n_proj))
        pct[:] = np.where(active, ranks / max(int(active.sum()), 1), 0.0)
        cache["pop_pct"] = pct
        del order
        coordinated = proj.coordinated if proj.coordinated is not None else sparse.csr_matrix(proj.consortium.shape)
        cache["coord_share"] = (np.asarray(coordinated.sum(axis=1)).ravel() / np.maximum(n_proj, 1)).astype(np.float32)
        cache["coordinated"] = coordinated.tocsr()
        cache["consortium_t"] = proj.consortium.T.tocsr()
        kinds = {k: i for i, k in enumerate(MODEL_KINDS)}
        cache["kind"] = np.array([kinds.get(_KIND_ALIAS.get(str(k), str(k)), kinds["other"]) for k in proj.kind],
                                 dtype=np.float32)
        cache["sme"] = proj.sme.astype(np.float32)
        deg = ex["degree"]
        with np.errstate(divide="ignore"):
            cache["w_aa"] = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0).astype(np.float32)
        cache["w_ra"] = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0).astype(np.float32)
        cache["families"] = ex["families"]
        cache["n_projects"] = n_proj
    return cache


# -- stage-1 signals over all actors ------------------------------------------------------
@dataclass
class TextSignals:
    """Text and skill similarity of every actor to the query (zeros when there is no text)."""

    text_lex: np.ndarray
    text_profile: np.ndarray
    text_knn: np.ndarray
    text_best: np.ndarray
    skill: np.ndarray
    project_sims: np.ndarray | None = None
    qvec: np.ndarray | None = None


def text_signals(proj: Projection, query: Query) -> TextSignals:
    base = rank.text_features(proj, query)
    sims = base.get("_project_sims")
    best = np.zeros(proj.n_actors, dtype=np.float32)
    qvec = base.get("_qvec")
    if qvec is not None and len(proj.project_ids):
        raw = np.maximum(np.asarray(proj.project_vecs @ qvec, dtype=np.float32).ravel(), 0.0)
        inc = proj.consortium
        if inc.nnz:
            vals = raw[inc.indices]
            # Row-wise max over the actor's projects (reduceat over the CSR rows that have entries).
            has = np.diff(inc.indptr) > 0
            starts = inc.indptr[:-1][has]
            best[has] = np.maximum.reduceat(vals, starts)
    return TextSignals(base["text_lex"], base["text_profile"], base["text_knn"], best, base["skill"], sims, qvec)


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
    text_graph: np.ndarray


def basket_signals(proj: Projection, seeds: Sequence[int], project_sims: np.ndarray | None = None) -> BasketSignals:
    ex = rank._extras(proj)
    lx = _extras(proj)
    n = proj.n_actors
    seeds = [int(s) for s in seeds]
    zeros = np.zeros(n, dtype=np.float32)
    if not seeds:
        return BasketSignals([], zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros)
    b = ex["collab01"]
    first = np.asarray(b[seeds].sum(axis=0)).ravel()
    hop = np.flatnonzero(first)
    if len(hop):
        rows = b[hop]
        aa = np.asarray(rows.T @ (first[hop] * lx["w_aa"][hop]), dtype=np.float32).ravel()
        ra = np.asarray(rows.T @ (first[hop] * lx["w_ra"][hop]), dtype=np.float32).ravel()
    else:
        aa = ra = zeros
    direct = np.asarray(proj.collab[seeds].sum(axis=0), dtype=np.float32).ravel()
    per_seed = 1.0 / np.maximum(lx["n_projects"][seeds], 1.0)
    repeat = np.asarray(proj.collab[seeds].T @ per_seed, dtype=np.float32).ravel()
    ease = proj.ease.scores(seeds) if proj.ease is not None else zeros
    rp3 = np.asarray(proj.rp3[seeds].sum(axis=0), dtype=np.float32).ravel() if proj.rp3 is not None else zeros
    if proj.embedding is not None:
        v = proj.embedding[seeds].sum(axis=0)
        norm = float(np.linalg.norm(v))
        emb = (proj.embedding @ (v / norm)).astype(np.float32) if norm > 0 else zeros
    else:
        emb = zeros
    pv = proj.actor_vecs[seeds].sum(axis=0)
    pnorm = float(np.linalg.norm(pv))
    seed_profile = (proj.actor_vecs @ (pv / pnorm)).astype(np.float32) if pnorm > 0 else zeros
    if project_sims is not None and len(project_sims):
        per_project = np.asarray(lx["consortium_t"][:, seeds].sum(axis=1)).ravel() * project_sims
        text_graph = np.asarray(proj.consortium @ per_project, dtype=np.float32).ravel()
    else:
        text_graph = zeros
    return BasketSignals(seeds, aa, ra, direct, repeat, ease, rp3, emb, seed_profile, text_graph)


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

    def matrix(self, names: Sequence[str]) -> np.ndarray:
        return np.column_stack([self.features[f] for f in names]).astype(np.float32) if len(self.index) else \
            np.zeros((0, len(names)), dtype=np.float32)


def _signal(name: str, text: TextSignals | None, basket: BasketSignals | None, proj: Projection,
            topic_vec: np.ndarray | None) -> np.ndarray | None:
    if text is not None and hasattr(text, name) and name in TEXT:
        return getattr(text, name)
    if basket is not None and name in BASKET + ("text_graph",):
        return getattr(basket, name)
    if name == "pop_pct":
        return _extras(proj)["pop_pct"]
    if name == "family_exp":
        return topic_vec
    return None


def candidates(proj: Projection, task: str, query: Query, pool: np.ndarray, *, text: TextSignals | None = None,
               basket: BasketSignals | None = None, per_signal: int = CANDIDATES_PER_SIGNAL,
               seed_filter: bool = True) -> Candidates:
    """Stage 1 and the feature rows of stage 2 for one query.

    `pool` is a boolean mask of who may be recommended (the partners on board are removed
    here). `text` and `basket` may be passed in when the caller has them already (the
    offline evaluation reuses a project's text signals for every hidden member).
    """
    lx = _extras(proj)
    seeds = list(query.seeds)
    if task in ("partners", "idea") and text is None:
        text = text_signals(proj, query)
    if task in ("partners", "organisation") and basket is None:
        basket = basket_signals(proj, seeds, text.project_sims if (text is not None and task == "partners") else None)
    mask = pool.copy()
    if seed_filter and seeds:
        mask[seeds] = False
    pool_idx = np.flatnonzero(mask)
    ctx = rank.context_features(proj, query.topic if task != "organisation" else None, seeds)
    topic_vec = ctx["family_exp"] if query.topic and task != "organisation" else None
    chosen = []
    first = np.zeros(proj.n_actors, dtype=np.float64)
    for name in SOURCES[task]:
        v = _signal(name, text if task != "organisation" else None, basket, proj, topic_vec)
        if v is None:
            continue
        chosen.append(top_of(v, pool_idx, per_signal))
        hi = float(v[pool_idx].max()) if len(pool_idx) else 0.0
        if hi > 0:
            first += (0.1 if name == "pop_pct" else 1.0) * np.maximum(v, 0) / hi
    index = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    feats = _features(proj, task, query, index, text, basket, ctx)
    return Candidates(task, index, feats, first)


def _pair(proj: Projection, seeds: list[int], cand: np.ndarray, topic: str | None) -> dict[str, np.ndarray]:
    """Features of each candidate with each partner on board, reduced over the partners."""
    lx = _extras(proj)
    ex = rank._extras(proj)
    C = len(cand)
    out = {}
    if not seeds or not C:
        for f in PAIR + ("family_ties",):
            out[f] = np.zeros(C, dtype=np.float32)
        return out
    direct = proj.collab[seeds][:, cand].toarray()
    out["tie_max"] = direct.max(axis=0)
    out["tied"] = (direct > 0).sum(axis=0) / len(seeds)
    b = ex["collab01"]
    aa = (b[seeds].multiply(lx["w_aa"][None, :]).tocsr() @ b[cand].T).toarray()
    out["aa_max"] = aa.max(axis=0)
    out["ease_max"] = proj.ease.rows(seeds, cand).max(axis=0) if proj.ease is not None else np.zeros(C)
    out["rp3_max"] = proj.rp3[seeds][:, cand].toarray().max(axis=0) if proj.rp3 is not None else np.zeros(C)
    if proj.embedding is not None:
        out["emb_max"] = (proj.embedding[seeds] @ proj.embedding[cand].T).max(axis=0)
    else:
        out["emb_max"] = np.zeros(C)
    coord = lx["coordinated"]
    cons = proj.consortium
    out["coord_ties"] = np.asarray((coord[seeds] @ cons[cand].T).sum(axis=0)).ravel()
    out["led_by"] = np.asarray((cons[seeds] @ coord[cand].T).sum(axis=0)).ravel()
    fam = lx["families"].get(topic_family(topic)) if topic else None
    if fam:
        sub = cons[:, fam]
        out["family_ties"] = np.asarray((sub[seeds] @ sub[cand].T).sum(axis=0)).ravel()
    else:
        out["family_ties"] = np.zeros(C)
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _features(proj: Projection, task: str, query: Query, cand: np.ndarray, text: TextSignals | None,
              basket: BasketSignals | None, ctx: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    lx = _extras(proj)
    seeds = list(query.seeds)
    C = len(cand)
    f: dict[str, np.ndarray] = {}
    if text is not None:
        for name in TEXT:
            f[name] = getattr(text, name)[cand]
    if basket is not None:
        for name in BASKET + ("text_graph",):
            f[name] = getattr(basket, name)[cand]
    if task != "idea":
        f.update(_pair(proj, seeds, cand, query.topic if task == "partners" else None))
    f["pop_pct"] = lx["pop_pct"][cand]
    f["coord_share"] = lx["coord_share"][cand]
    f["kind"] = lx["kind"][cand]
    f["sme"] = lx["sme"][cand]
    for name in ("same_country", "same_region", "country_fit", "kind_fit", "kind_gap", "family_exp",
                 "programme_exp"):
        f[name] = np.asarray(ctx[name], dtype=np.float32)[cand]
    n_proj = np.maximum(lx["n_projects"][cand], 1.0)
    f["family_share"] = (np.expm1(f["family_exp"]) / n_proj).astype(np.float32)
    f["n_seeds"] = np.full(C, np.log1p(len(seeds)), dtype=np.float32)
    f["has_topic"] = np.full(C, 1.0 if query.topic else 0.0, dtype=np.float32)
    if seeds:
        f["seed_pop_pct"] = np.full(C, float(np.mean(lx["pop_pct"][seeds])), dtype=np.float32)
        kinds = lx["kind"][seeds]
        f["seed_kind"] = np.full(C, float(np.bincount(kinds.astype(np.int64)).argmax()), dtype=np.float32)
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

    def predict(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        return np.asarray(self.booster.predict(X, num_threads=1), dtype=np.float64)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions (rows × features) and, in the last column, the base value."""
        if not len(X):
            return np.zeros((0, len(self.features) + 1))
        return np.asarray(self.booster.predict(X, pred_contrib=True, num_threads=1), dtype=np.float64)

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

    def contributions(self, actors: Sequence[int]) -> list[dict[str, float]]:
        """Each feature's part of the model score of `actors` (candidates only; {} otherwise)."""
        if self.model is None:
            return [{} for _ in actors]
        pos = {int(a): i for i, a in enumerate(self.candidates.index)}
        rows = [pos.get(int(a)) for a in actors]
        have = [r for r in rows if r is not None]
        out: list[dict[str, float]] = [{} for _ in actors]
        if not have:
            return out
        contrib = self.model.contributions(self.candidates.matrix(self.model.features)[have])
        it = iter(range(len(have)))
        for j, r in enumerate(rows):
            if r is None:
                continue
            row = contrib[next(it)]
            out[j] = {name: float(v) for name, v in zip(self.model.features, row[:-1])}
        return out


CANDIDATE_OFFSET = 1e6


def score(proj: Projection, query: Query, pool: np.ndarray, task: str | None = None, *,
          model: TaskModel | None = None, text: TextSignals | None = None,
          basket: BasketSignals | None = None) -> Ranked:
    """Rank every actor for a query: candidates by the task's model, the rest by stage 1 below.

    Seeds (partners on board) are never candidates; actors outside `pool` keep −inf.
    """
    task = task or task_for(query)
    model = model if model is not None else load_model(task)
    cands = candidates(proj, task, query, pool, text=text, basket=basket)
    out = np.where(pool, cands.first_stage, -np.inf)
    if query.seeds:
        out[list(query.seeds)] = -np.inf
    if model is not None and len(cands.index):
        s = model.predict(cands.matrix(model.features))
    else:
        s = cands.first_stage[cands.index]
    out[cands.index] = CANDIDATE_OFFSET + s
    return Ranked(task, out, cands, s, model)
