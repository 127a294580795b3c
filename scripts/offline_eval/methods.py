"""The recommenders under evaluation: `prepare` once per project and task, `scores` per query."""
from __future__ import annotations

import numpy as np

from kim_network.matching import learn, ltr

from .periods import OURS, Period


class Method:
    """A recommender under evaluation: `prepare` once per project and task, `scores` per query."""

    name = ""
    tasks = ("partners", "organisation", "idea")

    def prepare(self, period: Period, case, task: str):
        return None

    def scores(self, period: Period, state, seeds: list[int]) -> np.ndarray:
        raise NotImplementedError


def _tie(period: Period) -> np.ndarray:
    t = period.__dict__.get("_tie")
    if t is None:
        t = period.__dict__["_tie"] = np.log1p(period.corpora["all"].n_projects) * 1e-9
    return t


class Popularity(Method):
    name = "popularity"

    def scores(self, period, state, seeds):
        return period.corpora["all"].n_projects


class VariantMethod(Method):
    """A baseline on one variant of the participation matrix ("all" roles or "core")."""

    def __init__(self, variant="all"):
        self.variant = variant


class TextTFIDF(VariantMethod):
    name = "text (TF-IDF)"
    tasks = ("partners", "idea")

    def prepare(self, period, case, task):
        return period.hybrids[self.variant].text_scores(case.fields["_std_text"])

    def scores(self, period, state, seeds):
        return state + _tie(period)


class AdamicAdar(VariantMethod):
    name = "graph (Adamic–Adar)"
    tasks = ("partners", "organisation")

    def scores(self, period, state, seeds):
        return period.hybrids[self.variant].graph_scores(seeds) + _tie(period)


class StandardHybridMethod(VariantMethod):
    name = "hybrid (standard)"

    def prepare(self, period, case, task):
        h = period.hybrids[self.variant]
        if task == "organisation":
            return np.zeros(period.proj.n_actors)
        return h.text_scores(case.fields["_std_text"])

    def scores(self, period, state, seeds):
        h = period.hybrids[self.variant]
        cand = period.pool.copy()
        cand[seeds] = False
        return h.combine(state, h.graph_scores(seeds), cand)


class BasketModel(Method):
    """EASE / P3α / RP3β: scores are the sum of the basket's rows (ties: popularity)."""

    tasks = ("partners", "organisation")

    def __init__(self, name, variant, make, params):
        self.name, self.variant, self.make, self.params = name, variant, make, params
        self.model = None

    def fit(self, period):
        self.model = self.make(period.corpora[self.variant].incidence, **self.params)
        return self

    def scores(self, period, state, seeds):
        return self.model.scores(seeds) + _tie(period)


class KimRanker(Method):
    """The shipped ranker, through `ltr.score_many` as the recommenders and `kim partners` call it."""

    name = OURS

    def __init__(self, models: dict):
        self.models = models

    def _model(self, task):
        model = self.models.get(task)
        if isinstance(model, str):
            model = self.models[task] = ltr.TaskModel.from_json(model)
        return model

    def prepare(self, period, case, task):
        query, _ = ltr.project_query(period.proj, case.fields)
        seed_lists = [seeds for seeds, _g, _h in learn.task_queries(period.proj, case, task)] or [[]]
        queries = [learn.task_query(query, task, seeds) for seeds in seed_lists]
        ranked = ltr.score_many(period.proj, queries, period.pool, [task] * len(queries),
                                models={task: self._model(task)})
        return {tuple(seeds): r.scores for seeds, r in zip(seed_lists, ranked)}

    def scores(self, period, state, seeds):
        return state[tuple(seeds)]

