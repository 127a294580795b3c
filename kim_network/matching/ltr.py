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

`Ranked.contributions` splits a candidate's score into per-feature parts (TreeSHAP: LightGBM's
``pred_contrib`` numbers, looked up in `treeshap`'s tables), which `reasons.signal_shares`
groups into reason kinds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from kim_network.matching.ltr_data import BASKET, TEXT, _extras
from kim_network.matching.ltr_features import _features, _topic_vector, split_blended
from kim_network.matching.ltr_model import TaskModel, load_model
from kim_network.matching.ltr_signals import (BasketSignals, TextSignals, basket_signals, basket_signals_many,
                                              text_signals, text_signals_many)
from kim_network.matching.projection import Projection
from kim_network.matching.rank import Query

CANDIDATES_PER_SIGNAL = 60

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


def top_and_best(values: np.ndarray, mask: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """`top_of(values, np.flatnonzero(mask), n)` and the best positive value among them (0 if none),
    read from the positive pool members only.

    >>> top, best = top_and_best(np.array([0.0, 3.0, 1.0, 2.0]), np.array([True, True, True, False]), 5)
    >>> top.tolist(), best
    ([1, 2], 3.0)
    """
    positive = np.flatnonzero((values > 0) & mask)
    if not len(positive):
        return positive, 0.0
    v = values[positive]
    best = float(v.max())
    if len(positive) > n:
        positive = positive[np.argpartition(-v, n - 1)[:n]]
    return positive, best


@dataclass
class Candidates:
    """The stage-1 candidates of one query and their features (rows follow `index`)."""

    task: str
    index: np.ndarray
    features: dict[str, np.ndarray]
    first_stage: np.ndarray  # stage-1 score of every actor (orders those outside the candidates)
    sources: list = field(default_factory=list)  # (signal, vector, weight / its best value) of stage 1
    _matrices: dict = field(default_factory=dict, repr=False, compare=False)  # names -> `matrix` (read-only)

    def first_stage_parts(self, actor: int) -> dict[str, float]:
        """Each stage-1 signal's part of an actor's stage-1 score."""
        return {name: float(w * max(v[actor], 0.0)) for name, v, w in self.sources if v[actor] > 0}

    def matrix(self, names: Sequence[str], rows: Sequence[int] | None = None) -> np.ndarray:
        """The feature rows (all, or those at positions `rows`) in the order of `names`."""
        if not len(self.index) or (rows is not None and not len(rows)):
            return np.zeros((0, len(names)), dtype=np.float32)
        full = self._matrices.get(tuple(names))
        if rows is None:
            if full is None:  # kept: the model's explanations of the shown rows read it again
                full = np.column_stack([self.features[f] for f in names]).astype(np.float32)
                full.flags.writeable = False
                self._matrices[tuple(names)] = full
            return full
        if full is not None:
            return full[np.asarray(rows, dtype=np.int64)]
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
    topic = query.topic if task != "organisation" else None
    family = _topic_vector(proj, "f", topic) if topic else None
    chosen = []
    first = np.zeros(proj.n_actors, dtype=np.float64)
    sources = []
    for name in SOURCES[task]:
        v = _source(name, text, basket, lx, family)
        if v is None:
            continue
        top, hi = top_and_best(v, mask, per_signal)  # hi: the best value in the pool, if positive
        chosen.append(top)
        if hi > 0:
            weight = (0.1 if name == "pop_pct" else 1.0) / hi
            first += weight * np.maximum(v, 0)
            sources.append((name, v, weight))
    for v in extra_sources:
        chosen.append(top_and_best(np.asarray(v, dtype=np.float32), mask, per_signal)[0])
    index = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    feats = _features(proj, task, query, index, text, basket)
    return Candidates(task, index, feats, first, sources)


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
        if self.model is None:
            return [self.candidates.first_stage_parts(int(a)) for a in actors]
        rows = self._rows(actors)
        out: list[dict[str, float]] = [self.candidates.first_stage_parts(int(a)) if r is None else {}
                                       for a, r in zip(actors, rows)]
        have = [r for r in rows if r is not None]
        if not have:
            return out
        contrib = self.model.contributions(self.candidates.matrix(self.model.features, have))
        it = iter(contrib[:, :-1].tolist())
        for j, r in enumerate(rows):
            if r is not None:
                out[j] = split_blended(dict(zip(self.model.features, next(it))), _Row(self.candidates.features, r))
        return out

    def _rows(self, actors: Sequence[int]) -> list[int | None]:
        """The candidate row of each actor (None outside the candidates)."""
        index = self.candidates.index
        if not len(index) or not len(actors):
            return [None] * len(actors)
        order = np.argsort(index, kind="stable")
        a = np.asarray(actors, dtype=index.dtype)
        at = np.minimum(np.searchsorted(index, a, sorter=order), len(index) - 1)
        hit = order[at]
        return [int(h) if found else None for h, found in zip(hit, index[hit] == a)]


class _Row(Mapping):
    """One candidate's features as floats, read on demand (`split_blended` reads a few)."""

    def __init__(self, features: dict[str, np.ndarray], row: int):
        self.features, self.row = features, row

    def __getitem__(self, name: str) -> float:
        return float(self.features[name][self.row])

    def __iter__(self):
        return iter(self.features)

    def __len__(self) -> int:
        return len(self.features)


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
