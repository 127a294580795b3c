"""Candidate features and the learned linear ranker that combines them.

A `Query` describes what is looked for (text, skills, partners already on board, the call
topic). `query_features` turns it into one vector per signal over all actors; a `Ranker`
(logistic regression weights, learned in `learn.py` on past consortia) combines them into
a score and tells how much each signal contributed, which is what the reasons report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.matching import signals
from kim_network.matching.projection import Projection, topic_family, topic_programme

FEATURES = (
    "text_profile",  # LSA cosine: query text vs the actor's profile text
    "text_knn",      # the actor's past projects nearest to the query text
    "text_lex",      # TF-IDF cosine (exact terms)
    "skill",         # IDF-weighted, taxonomy-aware skill coverage
    "aa",            # Adamic–Adar with the partners on board
    "ra",            # resource allocation with the partners on board
    "direct",        # repeat collaboration: projects shared with the partners on board
    "ppr",           # personalised PageRank from the partners on board
    "text_graph",    # co-members of the partners in their projects closest to the query text
    "repeat_rate",   # share of each partner's projects the actor was in (summed over partners)
    "popularity",    # number of past projects (log)
    "recent",        # projects in the last year of the graph (log)
    "kind_fit",      # how usual the actor's kind is in consortia of this call family
    "kind_gap",      # how many more of its kind such a team usually has
    "country_fit",   # how often its country works with the partners' countries
    "same_country",  # share of the partners on board from its country
    "same_region",   # share of the partners on board from its NUTS-2 region
    "family_exp",    # its past projects in the same call family (topic without year)
    "programme_exp", # its past projects in the same programme part (e.g. HORIZON-CL4)
)
GRAPH_FEATURES = ("aa", "ra", "direct", "ppr", "text_graph", "repeat_rate")
RANKER_FILE = Path(__file__).with_name("ranker.json")


@dataclass
class Query:
    """What a recommendation looks for.

    text: free text (German or English); skills: skill index -> weight (what is needed);
    offers: skill index -> weight (what the asking side brings, for reciprocity); seeds:
    actor indexes already on board (or the asking actor); topic: a call topic code.
    """

    text: str = ""
    skills: dict[int, float] = field(default_factory=dict)
    offers: dict[int, float] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=list)
    topic: str | None = None

def _extras(proj: Projection) -> dict:
    cache = proj.__dict__.get("_extras")
    if cache is None:  # filled apart and published whole: a concurrent request never sees half of it
        cache = {}
        cache["degree"] = signals.neighbour_degree(proj.collab)
        cache["collab01"] = signals.binary(proj.collab)
        dates = [d for d in proj.project_date if d]
        newest = max(dates) if dates else ""
        since = ""
        if newest:
            try:
                since = (date.fromisoformat(newest[:10]) - timedelta(days=365)).isoformat()
            except ValueError:
                since = ""
        recent_projects = np.array([bool(d) and d >= since for d in proj.project_date], dtype=np.float32)
        cache["recent"] = np.asarray(proj.incidence @ recent_projects).ravel() if len(recent_projects) else \
            np.zeros(proj.n_actors, dtype=np.float32)
        cache["class_idx"] = np.array([proj.class_index[c] for c in proj.actor_class], dtype=np.int64)
        region2 = [str(r)[:4] if len(str(r)) >= 4 else "" for r in proj.region]
        index: dict[str, int] = {}
        cache["region_code"] = np.array([index.setdefault(r, len(index)) if r else -1 for r in region2], dtype=np.int64)
        families: dict[str, list[int]] = {}
        programmes: dict[str, list[int]] = {}
        for p, node in enumerate(proj.project_nodes):
            if node.get("topic"):
                families.setdefault(topic_family(node["topic"]), []).append(p)
                programmes.setdefault(topic_programme(node["topic"]), []).append(p)
        cache["families"], cache["programmes"], cache["topic_counts"] = families, programmes, {}
        cache = proj.__dict__.setdefault("_extras", cache)
    return cache


def _topic_experience(proj: Projection, groups: dict, key: str) -> np.ndarray:
    ex = _extras(proj)
    cached = ex["topic_counts"].get(key)
    if cached is None:
        projects = groups.get(key.split("|", 1)[1], [])
        indicator = np.zeros(len(proj.project_ids), dtype=np.float32)
        indicator[projects] = 1.0
        cached = signals.log_scale(np.asarray(proj.consortium @ indicator).ravel()) if len(projects) else \
            np.zeros(proj.n_actors, dtype=np.float32)
        if len(ex["topic_counts"]) < 2000:
            ex["topic_counts"][key] = cached
    return cached


def text_features(proj: Projection, query: Query) -> dict[str, np.ndarray]:
    """The text and skill signals of a query (independent of the partners on board)."""
    n = proj.n_actors
    out = {}
    if query.text.strip():
        lex = proj.text.sparse([query.text])
        out["text_lex"] = signals.cosine_scores(proj.actor_lex, lex)
        if proj.text.svd is not None:
            vec = proj.text.reduce(lex)[0]
            out["text_profile"] = signals.cosine_scores(proj.actor_vecs, vec)
            out["text_knn"] = signals.log_scale(signals.project_neighbours(proj.project_vecs, proj.incidence, vec))
            out["_qvec"] = vec
            out["_project_sims"] = np.maximum(np.asarray(proj.project_vecs @ vec, dtype=np.float32), 0.0) ** 2
    for name in ("text_lex", "text_profile", "text_knn"):
        out.setdefault(name, np.zeros(n, dtype=np.float32))
    if query.skills:
        out["skill"] = signals.cosine_scores(proj.competence, proj.skill_vector(query.skills))
    else:
        out["skill"] = np.zeros(n, dtype=np.float32)
    return out


def graph_raw(proj: Projection, seeds: Sequence[int], project_sims: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Untransformed graph signals from the seeds; linear in the seeds (PPR: summed per seed).

    `project_sims` (squared text similarity of each project to the query) weights the
    projects through which `text_graph` reaches co-members of the seeds.
    """
    ex = _extras(proj)
    n = proj.n_actors
    if not len(seeds):
        return {k: np.zeros(n, dtype=np.float32) for k in GRAPH_FEATURES}
    if project_sims is not None and len(project_sims):
        per_project = np.asarray(proj.consortium.T @ signals.seed_vector(n, seeds)).ravel() * project_sims
        text_graph = np.asarray(proj.consortium @ per_project, dtype=np.float32).ravel()
    else:
        text_graph = np.zeros(n, dtype=np.float32)
    per_seed = 1.0 / np.maximum(proj.n_projects[list(seeds)], 1.0)
    return {
        "repeat_rate": signals.direct_ties(proj.collab, seeds, weights=per_seed),
        "text_graph": text_graph,
        "aa": signals.adamic_adar(ex["collab01"], seeds, ex["degree"]),
        "ra": signals.resource_allocation(ex["collab01"], seeds, ex["degree"]),
        "direct": signals.direct_ties(proj.collab, seeds),
        # Summed over seeds so subsets can be formed by subtraction (the mean is taken later).
        "ppr": signals.personalized_pagerank(proj.walk, seeds, n_out=n, iterations=12) * len(seeds),
    }


def graph_features(proj: Projection, raw: Mapping[str, np.ndarray], n_seeds: int) -> dict[str, np.ndarray]:
    """Transform raw graph signals into features (log scale; PPR as a mean, relative to uniform)."""
    n = proj.n_actors
    ppr = raw["ppr"] / max(n_seeds, 1) * n
    return {
        "aa": signals.log_scale(raw["aa"]),
        "ra": signals.log_scale(raw["ra"] * 10.0),
        "direct": signals.log_scale(raw["direct"]),
        "ppr": signals.log_scale(ppr),
        "text_graph": signals.log_scale(raw["text_graph"] * 10.0),
        "repeat_rate": signals.log_scale(raw["repeat_rate"] * 10.0),
    }


def context_features(proj: Projection, topic: str | None, seeds: Sequence[int]) -> dict[str, np.ndarray]:
    """Popularity, recency and the learned kind and country priors."""
    ex = _extras(proj)
    prior = proj.kind_prior.distribution(topic)
    class_idx = ex["class_idx"]
    seed_classes = class_idx[list(seeds)] if len(seeds) else []
    n = proj.n_actors
    seeds = list(seeds)
    if seeds:
        seed_country = proj.country_index[seeds]
        same_country = np.bincount(seed_country, minlength=len(proj.country_codes))[proj.country_index] / len(seeds)
        codes = ex["region_code"]  # -1: no region
        seed_codes = codes[seeds]
        seed_codes = seed_codes[seed_codes >= 0]
        if len(seed_codes):
            per_region = np.bincount(seed_codes, minlength=int(codes.max()) + 1).astype(np.float32)
            same_region = np.where(codes >= 0, per_region[np.maximum(codes, 0)], 0.0) / len(seeds)
        else:
            same_region = np.zeros(n, dtype=np.float32)
    else:
        same_country = same_region = np.zeros(n, dtype=np.float32)
    if topic:
        family = _topic_experience(proj, ex["families"], "f|" + topic_family(topic))
        programme = _topic_experience(proj, ex["programmes"], "p|" + topic_programme(topic))
    else:
        family = programme = np.zeros(n, dtype=np.float32)
    return {
        "same_country": np.asarray(same_country, dtype=np.float32),
        "same_region": np.asarray(same_region, dtype=np.float32),
        "family_exp": family,
        "programme_exp": programme,
        "popularity": signals.log_scale(proj.n_projects),
        "recent": signals.log_scale(ex["recent"]),
        "kind_fit": signals.class_fit(class_idx, prior, proj.kind_prior.overall),
        "kind_gap": signals.class_gap(class_idx, prior, seed_classes, len(seeds) + 1),
        "country_fit": signals.country_affinity(proj.country_index, proj.country_lift,
                                                proj.country_index[list(seeds)] if len(seeds) else []),
    }


def query_features(proj: Projection, query: Query) -> dict[str, np.ndarray]:
    """Every feature of `FEATURES` for every actor, as a dict of vectors.

    >>> from kim_network.matching.projection import build_projection
    >>> p = build_projection([("Organization", {"id": "a", "name": "A", "kind": "company"})], [])
    >>> sorted(query_features(p, Query(text="speech")).keys()) == sorted(FEATURES)
    True
    """
    feats = text_features(proj, query)
    feats.update(graph_features(proj, graph_raw(proj, query.seeds, feats.get("_project_sims")), len(query.seeds)))
    feats.update(context_features(proj, query.topic, query.seeds))
    return feats


def feature_matrix(feats: Mapping[str, np.ndarray], rows=None) -> np.ndarray:
    """Stack features (in `FEATURES` order) into an (actors × features) matrix."""
    cols = [feats[name] if rows is None else feats[name][rows] for name in FEATURES]
    return np.column_stack(cols).astype(np.float32)


@dataclass
class Ranker:
    """A linear scorer over standardised features: score = sigmoid(b + Σ w·(x−μ)/σ).

    With a `rerank` ranker, the best `rerank_top` actors of this (first-stage) ranker are
    re-scored by the second one, which was trained only among such top candidates and so
    learns what separates the plausible ones; they stay above everyone else.
    """

    weights: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]
    intercept: float = 0.0
    meta: dict = field(default_factory=dict)
    rerank: "Ranker | None" = None
    rerank_top: int = 200

    def _arrays(self):
        w = np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float32)
        mu = np.array([self.mean.get(f, 0.0) for f in FEATURES], dtype=np.float32)
        sd = np.array([self.scale.get(f, 1.0) or 1.0 for f in FEATURES], dtype=np.float32)
        return w, mu, sd

    def linear(self, X: np.ndarray) -> np.ndarray:
        """This stage's linear scores for rows of a feature matrix."""
        w, mu, sd = self._arrays()
        return ((X - mu) / sd) @ w + self.intercept

    def logits(self, X: np.ndarray, candidates: np.ndarray | None = None) -> np.ndarray:
        """Scores of every row (higher is better), reranked at the top when there is a second stage.

        `candidates` (a boolean mask) limits the top that is reranked to eligible rows.
        """
        first = self.linear(X)
        if self.rerank is None or len(first) == 0:
            return first
        pool = np.flatnonzero(candidates) if candidates is not None else np.arange(len(first))
        if not len(pool):
            return first
        top_n = min(self.rerank_top, len(pool))
        top = pool[np.argpartition(-first[pool], top_n - 1)[:top_n]]
        second = self.rerank.linear(X[top])
        out = first.copy()
        # The reranked top stays above the rest: its second-stage scores are shifted (order kept)
        # to start just above the best first-stage score outside the top.
        below = np.ones(len(first), dtype=bool)
        below[top] = False
        floor = float(first[below].max()) if below.any() else float(first[top].min())
        out[top] = second - float(second.min()) + floor + 1e-3
        return out

    def contributions(self, x: np.ndarray, reranked: bool = True) -> dict[str, float]:
        """Each feature's additive part of one row's score (from the stage that ranked it)."""
        stage = self.rerank if (reranked and self.rerank is not None) else self
        w, mu, sd = stage._arrays()
        parts = w * (x - mu) / sd
        return {name: float(v) for name, v in zip(FEATURES, parts)}

    def as_dict(self) -> dict:
        out = {"weights": self.weights, "mean": self.mean, "scale": self.scale, "intercept": self.intercept,
               "meta": self.meta}
        if self.rerank is not None:
            out["rerank"] = self.rerank.as_dict()
            out["rerank_top"] = self.rerank_top
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "Ranker":
        rerank = cls.from_dict(data["rerank"]) if data.get("rerank") else None
        return cls(data["weights"], data["mean"], data["scale"], data.get("intercept", 0.0), data.get("meta", {}),
                   rerank, int(data.get("rerank_top", 200)))

    @classmethod
    def from_json(cls, text: str) -> "Ranker":
        return cls.from_dict(json.loads(text))


# Hand-set weights used only when no learned ranker ships (standardisation left to the data).
FALLBACK = Ranker(
    weights={"text_profile": 0.6, "text_knn": 0.8, "text_lex": 0.3, "skill": 0.5, "aa": 0.3, "ra": 0.2,
             "direct": 0.4, "ppr": 0.5, "popularity": 0.3, "recent": 0.2, "kind_fit": 0.2, "kind_gap": 0.1,
             "country_fit": 0.1},
    mean={}, scale={}, intercept=0.0, meta={"source": "fallback"},
)


def load_ranker(path: str | Path | None = None) -> Ranker:
    """The shipped ranker (learned on past CORDIS consortia), or the fallback weights."""
    path = Path(path) if path else RANKER_FILE
    try:
        return Ranker.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return FALLBACK


def graph_raw_each(proj: Projection, seeds: Sequence[int], project_sims: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """`graph_raw` for each seed on its own, as (seeds × actors) arrays, in one batched pass.

    Summing rows gives `graph_raw` of any subset of the seeds, which is how the offline
    evaluation scores "the consortium without one member" cheaply.
    """
    ex = _extras(proj)
    n, k = proj.n_actors, len(seeds)
    if not k:
        return {name: np.zeros((0, n), dtype=np.float32) for name in GRAPH_FEATURES}
    S = sparse.csr_matrix((np.ones(k, dtype=np.float32), (np.asarray(seeds), np.arange(k))), shape=(n, k))
    b = ex["collab01"]
    deg = ex["degree"]
    with np.errstate(divide="ignore"):
        w_aa = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0).astype(np.float32)
    w_ra = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0).astype(np.float32)
    common = (b @ S).toarray()
    out = {
        "aa": np.asarray(b @ (common * w_aa[:, None])).T,
        "ra": np.asarray(b @ (common * w_ra[:, None])).T,
        "direct": (proj.collab @ S).toarray().T,
    }
    out["repeat_rate"] = out["direct"] / np.maximum(proj.n_projects[np.asarray(seeds)], 1.0)[:, None]
    N = proj.walk.shape[0]
    R0 = np.zeros((N, k), dtype=np.float32)
    R0[np.asarray(seeds), np.arange(k)] = 1.0
    R, alpha = R0.copy(), 0.25
    for _ in range(12):
        R = alpha * R0 + (1 - alpha) * np.asarray(proj.walk @ R, dtype=np.float32)
    out["ppr"] = R[:n].T
    if project_sims is not None and len(project_sims):
        per_project = (proj.consortium.T @ S).toarray() * project_sims[:, None]
        out["text_graph"] = np.asarray(proj.consortium @ per_project).T
    else:
        out["text_graph"] = np.zeros((k, n), dtype=np.float32)
    return {name: np.ascontiguousarray(v, dtype=np.float32) for name, v in out.items()}
