"""Learning the rankers from past consortia, and the offline evaluation they are judged by.

The tasks mirror how the platform is used (see `task_queries`): a project's text with all
but one of its partners (the hidden one should rank high among every organisation with
earlier history), an organisation alone, and a text alone. Training queries and evaluation
queries come from different periods, and each uses a projection that only knows the years
before it. `ltr_rows` turns them into LightGBM LambdaRank rows, `fit_task_model` fits one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from kim_network.core.model import Label, Rel
from kim_network.matching import ltr, ltr_data
from kim_network.matching.projection import Projection
from kim_network.matching.projection_build import CONSORTIUM_ROLES, PROJECT_TEXT, _text_of
from kim_network.matching.rank import Query


# euroSciVoc branches that make a project a media / ICT project (the slice of the evaluation).
MEDIA_ICT = ("/natural sciences/computer and information sciences",
             "/social sciences/media and communications",
             "/engineering and technology/electrical engineering, electronic engineering, information engineering/"
             "information engineering")
QUERY_FIELDS = ("title", "keywords", "objective", "topic", "topic_title")


@dataclass
class ProjectCase:
    """One later project seen through an earlier projection."""

    project_id: str
    signed: str
    query: Query                       # text, skills, topic (seeds filled per hidden member)
    members: list[int]                 # consortium members known to the projection
    hidden: list[int]                  # members with earlier history: each is hidden once
    bavarian: dict[int, bool] = field(default_factory=dict)
    coordinator: int | None = None     # the coordinator, when it is a member with history
    fields: dict = field(default_factory=dict)  # the `kim partners` query fields (no partners)
    media_ict: bool = False


def member_flags(proj: Projection, i: int) -> dict[str, bool]:
    """The slices an organisation belongs to: Bavaria (NUTS DE2*), SME, newcomer (≤ 2 earlier projects)."""
    return {"bavaria": str(proj.region[i]).upper().startswith("DE2"), "sme": bool(proj.sme[i]),
            "newcomer": bool(proj.n_projects[i] <= 2)}


def project_cases(records, proj: Projection, since: str, until: str, min_members: int = 3,
                  limit: int | None = None, seed: int = 0) -> list[ProjectCase]:
    """Projects signed in [since, until] with at least `min_members` coordinator/participant
    organisations, as cases whose hidden members are those with history in `proj`."""
    projects = {p["id"]: p for p in records.nodes[Label.PROJECT]}
    members: dict[str, list[str]] = defaultdict(list)
    for e in records.edges[Rel.PARTICIPATED_IN]:
        if e.get("role", "participant") in CONSORTIUM_ROLES:
            members[e["target"]].append(e["source"])
    coordinator: dict[str, str] = {}
    for e in records.edges[Rel.PARTICIPATED_IN]:
        if e.get("role") == "coordinator":
            coordinator[e["target"]] = e["source"]
    skills: dict[str, dict[int, float]] = defaultdict(dict)
    labels = {s["id"]: s for s in records.nodes[Label.SKILL]}
    euroscivoc: dict[str, list[str]] = defaultdict(list)
    for e in records.edges[Rel.REQUIRES]:
        s = proj.skill_index.get(e["target"])
        if s is not None and e["source"] in projects:
            skills[e["source"]][s] = float(e.get("weight") or 1.0)
        skill = labels.get(e["target"])
        if skill is not None and skill.get("source") == "euroscivoc" and e["source"] in projects:
            euroscivoc[e["source"]].append(skill.get("path") or skill.get("label_en") or "")
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
        coord = proj.actor_index.get(coordinator.get(pid, ""))
        fields = {f: node.get(f) for f in QUERY_FIELDS if node.get(f)}
        paths = euroscivoc.get(pid, [])
        fields["euroscivoc"] = [p.rsplit("/", 1)[-1] for p in paths]
        media = any(p.startswith(MEDIA_ICT) for p in paths)
        cases.append(ProjectCase(pid, signed, q, idx, hidden, bav, coord if coord in hidden else None, fields,
                                 media))
    cases.sort(key=lambda c: c.project_id)
    if limit is not None and limit < len(cases):
        rng = np.random.default_rng(seed)
        cases = [cases[i] for i in sorted(rng.choice(len(cases), size=limit, replace=False))]
    return cases


def candidate_pool(proj: Projection) -> np.ndarray:
    """Organisations with at least one project: who can be recommended in the evaluation."""
    return (proj.n_projects > 0) & (proj.actor_label == Label.ORGANIZATION.value)


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


# -- learning-to-rank (LightGBM LambdaRank) per task -----------------------------------------
def set_metrics(top: Sequence[int], gold: Sequence[int], k: int = 10) -> dict[str, float]:
    """Metrics of one ranked list against a set of relevant items.

    `top` is the ranking (at least its first 50 entries); recall@k, hit@k, the reciprocal rank
    of the first relevant item (within `top`), nDCG@k with binary gains.

    >>> {m: round(v, 3) for m, v in set_metrics([5, 1, 9, 2], [1, 2, 7]).items()}
    {'recall10': 0.667, 'hit10': 1.0, 'recall50': 0.667, 'rr': 0.5, 'ndcg10': 0.498}
    """
    gold = set(int(g) for g in gold)
    if not gold:
        return {"recall10": 0.0, "hit10": 0.0, "recall50": 0.0, "rr": 0.0, "ndcg10": 0.0}
    top = [int(t) for t in top]
    hits = [t in gold for t in top]
    first = next((i for i, h in enumerate(hits) if h), None)
    dcg = sum(1.0 / np.log2(i + 2) for i, h in enumerate(hits[:k]) if h)
    idcg = sum(1.0 / np.log2(i + 2) for i in range(min(len(gold), k)))
    return {
        "recall10": sum(hits[:k]) / len(gold),
        "hit10": float(any(hits[:k])),
        "recall50": sum(hits[:50]) / len(gold),
        "rr": 1.0 / (first + 1) if first is not None else 0.0,
        "ndcg10": float(dcg / idcg),
    }


def bootstrap_means(values: np.ndarray, clusters: np.ndarray, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """Means of `values` over `n_boot` resamples of whole clusters (projects), with replacement.

    Queries of one project share its text and partners, so projects, not queries, are drawn.
    `values` may be 2-D (queries × methods): each resample draws the same projects for every
    method, which makes differences and ratios between methods paired.

    >>> m = bootstrap_means(np.array([1.0, 0.0, 1.0, 1.0]), np.array([0, 0, 1, 2]), n_boot=200)
    >>> bool(0.4 < m.mean() < 0.9), m.shape
    (True, (200,))
    """
    values = np.asarray(values, dtype=np.float64)
    squeeze = values.ndim == 1
    if squeeze:
        values = values[:, None]
    _, cl = np.unique(np.asarray(clusters), return_inverse=True)
    n_cl = int(cl.max()) + 1 if len(cl) else 0
    sums = np.zeros((n_cl, values.shape[1]))
    np.add.at(sums, cl, values)
    counts = np.bincount(cl, minlength=n_cl).astype(np.float64)
    rng = np.random.default_rng(seed)
    out = np.zeros((n_boot, values.shape[1]))
    for b in range(n_boot):
        w = np.bincount(rng.integers(0, n_cl, n_cl), minlength=n_cl).astype(np.float64)
        out[b] = (w @ sums) / max(w @ counts, 1.0)
    return out[:, 0] if squeeze else out


def task_queries(proj: Projection, case: ProjectCase, task: str, *, train: bool = False):
    """The queries one project gives a task: (seeds, gold members, hidden member or None).

    partners: each member with history hidden once, the others on board (gold: the hidden one);
    organisation: the coordinator alone (gold: the other members with history) - for training,
    every member with history in turn; idea: no partners (gold: every member with history).
    """
    if task == "partners":
        for h in case.hidden:
            yield [m for m in case.members if m != h], [h], h
    elif task == "organisation":
        askers = case.hidden if train else ([case.coordinator] if case.coordinator is not None else [])
        for a in askers:
            gold = [m for m in case.hidden if m != a]
            if gold:
                yield [a], gold, a
    elif task == "idea":
        yield [], list(case.hidden), None
    else:
        raise ValueError(f"unknown task {task!r}")


def task_query(query: Query, task: str, seeds: Sequence[int], lead: bool | None = None) -> Query:
    """The query a task sees: the organisation-only task gets the partners and nothing else
    (and, in training, whether the one asking coordinated the project)."""
    if task == "organisation":
        return Query(seeds=list(seeds), lead=lead)
    return Query(text=query.text, skills=query.skills, seeds=list(seeds), topic=query.topic)


def ltr_rows(proj: Projection, cases: Sequence[ProjectCase], task: str, *, hard: int = 0, random_negatives: int = 200,
             seed: int = 0, full: bool = False, train: bool = True):
    """Stage-2 training rows of a task: features of each query's candidates, 1 for the gold ones.

    With `full`, every candidate is kept (validation lists); otherwise the gold ones, the
    `hard` best other candidates by the stage-1 score and `random_negatives` drawn from the
    rest (by default a uniform sample: hard negatives only would teach the model that the
    hubs every list contains are never the answer). Queries without a gold member among the candidates are left out (and counted).
    Returns (X, y, group sizes, queries without gold, queries, the actor index of each row).
    """
    rng = np.random.default_rng(seed)
    pool = candidate_pool(proj)
    names = ltr_data.FEATURES[task]
    X, y, groups, actors = [], [], [], []
    missed = total = 0
    for case in cases:
        query, _ = ltr.project_query(proj, case.fields)
        text = ltr.text_signals(proj, query) if task != "organisation" else None
        queries = list(task_queries(proj, case, task, train=train))
        if task == "idea":
            baskets = [None] * len(queries)
        else:
            sims = text.project_sims if text is not None else None
            baskets = ltr.basket_signals_many(proj, [seeds for seeds, _g, _h in queries], [sims] * len(queries))
        for (seeds, gold, _h), basket in zip(queries, baskets):
            total += 1
            q = task_query(query, task, seeds, lead=(list(seeds) == [case.coordinator]) if task == "organisation" else None)
            cands = ltr.candidates(proj, task, q, pool, text=text, basket=basket)
            is_gold = np.isin(cands.index, gold)
            if not is_gold.any():
                missed += 1
                continue
            keep = np.arange(len(cands.index))
            if not full:
                neg = np.flatnonzero(~is_gold)
                order = neg[np.argsort(-cands.first_stage[cands.index[neg]], kind="stable")]
                hard_part, rest = order[:hard], order[hard:]
                rand = rng.choice(rest, size=min(random_negatives, len(rest)), replace=False) if len(rest) else rest
                keep = np.concatenate([np.flatnonzero(is_gold), hard_part, rand])
            X.append(cands.matrix(names)[keep])
            y.append(is_gold[keep].astype(np.float32))
            groups.append(len(keep))
            actors.append(cands.index[keep].astype(np.int64))
    if not X:
        return (np.zeros((0, len(names)), dtype=np.float32), np.zeros(0), np.zeros(0, dtype=np.int64), missed, total,
                np.zeros(0, dtype=np.int64))
    return (np.vstack(X), np.concatenate(y), np.asarray(groups, dtype=np.int64), missed, total,
            np.concatenate(actors))


PRIOR_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


PRIOR_TOLERANCE = 0.02


def gold_ranks(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each gold row of candidate lists (`groups` consecutive rows per query): 1 + how many
    other (non-gold) candidates of its list score at least as high (ties count against it).

    >>> gold_ranks(np.array([3., 1., 2., 0., 5.]), np.array([0, 1, 0, 1, 0]), np.array([3, 2]))
    array([3., 2.])
    """
    out = []
    start = 0
    for n in groups:
        s, g = scores[start:start + n], y[start:start + n] > 0
        for i in np.flatnonzero(g):
            out.append(1.0 + np.count_nonzero(s[~g] >= s[i]))
        start += n
    return np.asarray(out)


BLEND_GRID = (0.0, 0.5, 1.0, 2.0, 3.0)


def select_prior(model: "ltr.TaskModel", rows, focus: np.ndarray, grid: Sequence[float] = PRIOR_GRID,
                 tolerance: float = PRIOR_TOLERANCE, blend_grid: Sequence[float] = BLEND_GRID):
    """The popularity-prior weight and the blend weight (the reciprocal-rank fusion with the
    standard hybrid, `ltr_model.TaskModel.blend`) for a model, chosen on validation lists, and
    the table of every pair of weights.

    Among the pairs whose Hits@10 over all gold rows is within `tolerance` (relative) of the
    best pair's, the one with the best Hits@10 + MRR on the `focus` gold rows (the Bavarian
    organisations this platform serves); ties go to the smaller weights. The two terms so
    never buy the focus group more than a `tolerance` share of everyone's quality.

    `rows` are full validation lists from `ltr_rows(..., full=True)`; `focus` is a boolean per
    row. Gold rows are judged against the other candidates of their list. A model without the
    ``hyb_rank`` feature gets blend weight 0. Returns (prior weight, blend weight, table of
    (prior, blend, Hits@10 all, Hits@10 focus, MRR focus)).
    """
    X, y, g = rows[:3]
    base = model.predict(X, prior=False)
    # Both terms are linear in their weights: compute them once at weight 1 and scale.
    unit = ltr.TaskModel(model.task, model.features, model.booster, {**model.meta, "prior_weight": 1.0}).prior(X)
    blend = ltr.TaskModel(model.task, model.features, model.booster, {**model.meta, "blend_weight": 1.0}).blend(X)
    if not blend.any():
        blend_grid = (0.0,)
    focus_gold = focus[y > 0]
    table = []
    for w in grid:
        for v in blend_grid:
            ranks = gold_ranks(base + w * unit + v * blend, y, g)
            hits = (ranks <= 10).astype(float)
            overall = float(hits.mean()) if len(hits) else 0.0
            focused = float(hits[focus_gold].mean()) if focus_gold.any() else 0.0
            mrr = float((1.0 / ranks[focus_gold]).mean()) if focus_gold.any() else 0.0
            table.append((float(w), float(v), overall, focused, mrr))
    best_overall = max(t[2] for t in table)
    allowed = [t for t in table if t[2] >= (1.0 - tolerance) * best_overall]
    best = max(allowed, key=lambda t: (t[3] + t[4], -t[0], -t[1]))
    return best[0], best[1], table


LGBM_PARAMS = {
    "objective": "lambdarank", "metric": "ndcg", "eval_at": [10], "learning_rate": 0.05, "num_leaves": 31,
    "min_data_in_leaf": 100, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
    "lambda_l2": 1.0, "lambdarank_truncation_level": 30, "verbose": -1, "seed": 1, "deterministic": True,
    "force_row_wise": True, "num_threads": 2,
}


def fit_task_model(task: str, train, valid=None, *, params: dict | None = None, rounds: int = 400,
                   early_stopping: int = 50, meta: dict | None = None, log=None):
    """A LightGBM LambdaRank model for a task from `ltr_rows` output (early stopping on `valid`)."""
    import lightgbm as lgb

    names = list(ltr_data.FEATURES[task])
    cats = [n for n in names if n in ltr_data.CATEGORICAL]
    p = {**LGBM_PARAMS, **(params or {})}
    if p.pop("monotone", False):
        p["monotone_constraints"] = ltr_data.monotone_constraints(names)
        p["monotone_constraints_method"] = "advanced"
    X, y, g = train[:3]
    dtrain = lgb.Dataset(X, y, group=g, feature_name=names, categorical_feature=cats, free_raw_data=True)
    sets, callbacks = [dtrain], []
    if valid is not None and len(valid[1]):
        dvalid = lgb.Dataset(valid[0], valid[1], group=valid[2], feature_name=names, categorical_feature=cats,
                             reference=dtrain)
        sets.append(dvalid)
        callbacks.append(lgb.early_stopping(early_stopping, verbose=False))
    if log:
        callbacks.append(lgb.log_evaluation(50))
    booster = lgb.train(p, dtrain, num_boost_round=rounds, valid_sets=sets[1:] or None, callbacks=callbacks)
    best = booster.best_iteration or rounds
    info = {"rounds": int(best), "trees": int(booster.num_trees()),
            "params": {k: v for k, v in p.items() if k not in ("verbose", "num_threads", "monotone_constraints")},
            "rows": int(len(y)), "queries": int(len(g)), **(meta or {})}
    if valid is not None and booster.best_score:
        info["valid_ndcg10"] = float(list(booster.best_score.values())[0].get("ndcg@10", 0.0))
    model = ltr.TaskModel(task, tuple(names), booster, info)
    return model
