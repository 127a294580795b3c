"""Learning the ranker from past consortia, and the hidden-partner evaluation it is judged by.

The task mirrors how the platform is used: a project (its text, call topic and skills) and
all but one of its partners are given; the hidden partner should rank high among every
organisation with earlier history. Training queries and evaluation queries come from
different periods, and each uses a projection that only knows the years before it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from kim_network.core.model import Label, Rel
from kim_network.matching import rank
from kim_network.matching.projection import CONSORTIUM_ROLES, Projection, _text_of, PROJECT_TEXT
from kim_network.matching.rank import FEATURES, Query, Ranker


@dataclass
class ProjectCase:
    """One later project seen through an earlier projection."""

    project_id: str
    signed: str
    query: Query                       # text, skills, topic (seeds filled per hidden member)
    members: list[int]                 # consortium members known to the projection
    hidden: list[int]                  # members with earlier history: each is hidden once
    bavarian: dict[int, bool] = field(default_factory=dict)


def project_cases(records, proj: Projection, since: str, until: str, min_members: int = 3,
                  limit: int | None = None, seed: int = 0) -> list[ProjectCase]:
    """Projects signed in [since, until] with at least `min_members` coordinator/participant
    organisations, as cases whose hidden members are those with history in `proj`."""
    projects = {p["id"]: p for p in records.nodes[Label.PROJECT]}
    members: dict[str, list[str]] = defaultdict(list)
    for e in records.edges[Rel.PARTICIPATED_IN]:
        if e.get("role", "participant") in CONSORTIUM_ROLES:
            members[e["target"]].append(e["source"])
    skills: dict[str, dict[int, float]] = defaultdict(dict)
    for e in records.edges[Rel.REQUIRES]:
        s = proj.skill_index.get(e["target"])
        if s is not None and e["source"] in projects:
            skills[e["source"]][s] = float(e.get("weight") or 1.0)
    cases = []
    for pid, node in projects.items():
        signed = node.get("signed_date") or ""
        if not (since <= signed <= until) or len(members[pid]) < min_members:
            continue
        idx = [proj.actor_index[m] for m in members[pid] if m in proj.actor_index]
        hidden = [i for i in idx if proj.n_projects[i] > 0]
        if not hidden:
            continue
        q = Query(text=_text_of(node, PROJECT_TEXT), skills=skills.get(pid, {}), topic=node.get("topic"))
        bav = {i: str(proj.region[i]).startswith("DE2") for i in hidden}
        cases.append(ProjectCase(pid, signed, q, idx, hidden, bav))
    cases.sort(key=lambda c: c.project_id)
    if limit is not None and limit < len(cases):
        rng = np.random.default_rng(seed)
        cases = [cases[i] for i in sorted(rng.choice(len(cases), size=limit, replace=False))]
    return cases


def candidate_pool(proj: Projection) -> np.ndarray:
    """Organisations with at least one project: who can be recommended in the evaluation."""
    return (proj.n_projects > 0) & (proj.actor_label == Label.ORGANIZATION.value)


def case_features(proj: Projection, case: ProjectCase) -> Iterable[tuple[int, list[int], dict[str, np.ndarray]]]:
    """For each hidden member: (hidden, visible members, features of every actor)."""
    text = rank.text_features(proj, case.query)
    each = rank.graph_raw_each(proj, case.members, text.get("_project_sims"))
    totals = {k: v.sum(axis=0) for k, v in each.items()}
    for pos, h in enumerate(case.members):
        if h not in case.hidden:
            continue
        visible = [m for m in case.members if m != h]
        raw = {k: totals[k] - each[k][pos] for k in totals}
        feats = dict(text)
        feats.update(rank.graph_features(proj, raw, len(visible)))
        feats.update(rank.context_features(proj, case.query.topic, visible))
        feats["_aa_raw"] = raw["aa"]
        yield h, visible, feats


def rank_of(scores: np.ndarray, target: int, pool: np.ndarray, exclude: Sequence[int]) -> int:
    """1-based rank of `target` among pool members (excluded ones removed), ties pessimistic."""
    mask = pool.copy()
    mask[list(exclude)] = False
    mask[target] = True
    s = scores[target]
    return int(np.count_nonzero(scores[mask] > s) + np.count_nonzero(scores[mask] == s))


@dataclass
class Metrics:
    """Hits@10, Hits@50, MRR and nDCG@10 over ranks of one relevant item per query."""

    ranks: list[int] = field(default_factory=list)

    def add(self, r: int) -> None:
        self.ranks.append(r)

    def summary(self) -> dict[str, float]:
        """
        >>> m = Metrics([1, 3, 60]); {k: round(v, 3) for k, v in m.summary().items()}
        {'n': 3, 'hits10': 0.667, 'hits50': 0.667, 'mrr': 0.45, 'ndcg10': 0.5}
        """
        r = np.asarray(self.ranks, dtype=np.float64)
        if not len(r):
            return {"n": 0, "hits10": 0.0, "hits50": 0.0, "mrr": 0.0, "ndcg10": 0.0}
        return {
            "n": int(len(r)),
            "hits10": float(np.mean(r <= 10)),
            "hits50": float(np.mean(r <= 50)),
            "mrr": float(np.mean(1.0 / r)),
            "ndcg10": float(np.mean(np.where(r <= 10, 1.0 / np.log2(r + 1), 0.0))),
        }


def training_rows(proj: Projection, cases: Sequence[ProjectCase], negatives: int = 150, hard: int = 0,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows for learning: each hidden member (label 1) against sampled negatives.

    Negatives are drawn at random from the pool (an unbiased sample of what the hidden
    partner competes with); `hard` adds the best-scored by the text and network signals,
    which biases the weights against those signals and is off by default.
    Returns X, y and the query id of each row.
    """
    rng = np.random.default_rng(seed)
    pool = candidate_pool(proj)
    pool_idx = np.flatnonzero(pool)
    X, y, qid = [], [], []
    q = 0
    for case in cases:
        for h, visible, feats in case_features(proj, case):
            cheap = feats["text_knn"] + feats["ppr"] + 0.5 * feats["text_profile"]
            cheap = np.where(pool, cheap, -np.inf)
            cheap[visible] = -np.inf
            top = np.argpartition(-cheap, min(hard, len(cheap) - 1))[:hard] if hard else []
            rand = rng.choice(pool_idx, size=min(negatives, len(pool_idx)), replace=False) if len(pool_idx) else []
            neg = [i for i in dict.fromkeys(list(top) + list(rand)) if i != h and i not in visible]
            rows = [h] + neg
            X.append(rank.feature_matrix(feats, rows))
            y.extend([1] + [0] * len(neg))
            qid.extend([q] * len(rows))
            q += 1
    if not X:
        return np.zeros((0, len(FEATURES)), dtype=np.float32), np.zeros(0), np.zeros(0)
    return np.vstack(X), np.asarray(y), np.asarray(qid)


def rerank_rows(proj: Projection, cases: Sequence[ProjectCase], first: Ranker, top: int = 200,
                negatives: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows for the second stage: queries whose hidden member the first stage puts in its
    top `top`, against negatives from that same top (so both sides are selected alike)."""
    rng = np.random.default_rng(seed)
    pool = candidate_pool(proj)
    X, y, qid = [], [], []
    q = 0
    for case in cases:
        for h, visible, feats in case_features(proj, case):
            M = rank.feature_matrix(feats)
            scores = first.linear(M)
            mask = pool.copy()
            mask[visible] = False
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            n_top = min(top, len(idx))
            best = idx[np.argpartition(-scores[idx], n_top - 1)[:n_top]]
            if h not in set(best.tolist()):
                continue
            neg = [i for i in best if i != h]
            neg = list(rng.choice(neg, size=min(negatives, len(neg)), replace=False))
            rows = [h] + neg
            if not neg:
                continue
            X.append(M[rows])
            y.extend([1] + [0] * len(neg))
            qid.extend([q] * len(rows))
            q += 1
    if not X:
        return np.zeros((0, len(FEATURES)), dtype=np.float32), np.zeros(0), np.zeros(0)
    return np.vstack(X), np.asarray(y), np.asarray(qid)


def fit_ranker(X: np.ndarray, y: np.ndarray, C: float = 1.0, meta: dict | None = None) -> Ranker:
    """Logistic regression on standardised features (class-balanced), as a `Ranker`."""
    from sklearn.linear_model import LogisticRegression

    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit((X - mu) / sd, y)
    return Ranker(
        weights={f: float(w) for f, w in zip(FEATURES, model.coef_[0])},
        mean={f: float(m) for f, m in zip(FEATURES, mu)},
        scale={f: float(s) for f, s in zip(FEATURES, sd)},
        intercept=float(model.intercept_[0]),
        meta=dict(meta or {}),
    )


_WORKER: dict = {}


def _first_rows(args):
    cases, negatives, seed = args
    return training_rows(_WORKER["proj"], cases, negatives=negatives, seed=seed)


def _rerank_rows(args):
    cases, first, top, negatives, seed = args
    return rerank_rows(_WORKER["proj"], cases, first, top=top, negatives=negatives, seed=seed)


def _parallel(fn, jobs, proj, workers: int):
    if workers <= 1 or len(jobs) <= 1:
        _WORKER["proj"] = proj
        try:
            return [fn(job) for job in jobs]
        finally:
            _WORKER.clear()
    from multiprocessing import get_context

    _WORKER["proj"] = proj  # inherited by the forked workers, never pickled
    try:
        with get_context("fork").Pool(workers) as pool:
            return pool.map(fn, jobs)
    finally:
        _WORKER.clear()


def _stack(parts):
    parts = [p for p in parts if len(p[1])]
    if not parts:
        return np.zeros((0, len(FEATURES)), dtype=np.float32), np.zeros(0)
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def train_ranker(proj: Projection, cases: Sequence[ProjectCase], *, negatives: int = 100, top: int = 200,
                 rerank_negatives: int = 80, C: float = 1.0, workers: int = 1, first_share: float = 0.4,
                 log=None) -> Ranker:
    """Two-stage training on past consortia.

    The first stage learns, on a share of the cases, to tell the hidden partner from random
    organisations; the reranker learns, on all cases whose hidden partner the first stage puts
    in its top `top`, to order those top candidates. `workers` > 1 computes features in forked
    processes (the projection is shared, not copied).
    """
    n_first = max(1, int(len(cases) * first_share))
    chunks = max(1, workers * 4)
    first_cases = list(cases[:n_first])
    jobs = [(first_cases[i::chunks], negatives, i) for i in range(chunks)]
    X, y = _stack(_parallel(_first_rows, jobs, proj, workers))
    if len(set(y.tolist())) < 2:
        raise ValueError("too few training queries to learn a ranker")
    first = fit_ranker(X, y, C=C, meta={"stage": "first", "queries": int(y.sum()), "rows": int(len(y))})
    jobs = [(list(cases[i::chunks]), first, top, rerank_negatives, i) for i in range(chunks)]
    X2, y2 = _stack(_parallel(_rerank_rows, jobs, proj, workers))
    if log:
        log(f"first stage: {int(y.sum())} hidden partners, {len(y)} rows; "
            + ", ".join(f"{k}={v:+.2f}" for k, v in first.weights.items()))
    if len(set(y2.tolist())) < 2:
        return first
    first.rerank = fit_ranker(X2, y2, C=C, meta={"stage": "rerank", "queries": int(y2.sum()), "rows": int(len(y2))})
    first.rerank_top = top
    if log:
        log(f"rerank stage: {int(y2.sum())} hidden partners in the top {top}, {len(y2)} rows; "
            + ", ".join(f"{k}={v:+.2f}" for k, v in first.rerank.weights.items()))
    return first
