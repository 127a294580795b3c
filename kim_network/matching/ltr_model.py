"""Stage 2 of the learned ranker (`ltr`): a LightGBM LambdaRank model per task, as shipped."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kim_network.matching.treeshap import TreeShap

TASKS = ("partners", "organisation", "idea")
MODEL_DIR = Path(__file__).resolve().parent
MODEL_FILES = {task: MODEL_DIR / f"ranker_{task}.json" for task in TASKS}
# The popularity prior's floor: a share of all projects below it counts as it (see TaskModel.prior).
PRIOR_FLOOR = 1e-5
# The feature a model's blend reads: a candidate's place by the standard hybrid's score among the
# candidates (ltr_data.STANDARD); the blend adds weight / place, a reciprocal-rank fusion.
BLEND_FEATURE = "hyb_rank"


@dataclass
class TaskModel:
    """A LightGBM LambdaRank booster for one task, with the feature order it was trained on.

    The score is the booster's plus two selected linear terms: the popularity prior and the
    standard hybrid's blend, each weighted as its meta says; their parts go to the features they read.
    """

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

    @property
    def blend_weight(self) -> float:
        """Weight of the reciprocal-rank fusion with the standard hybrid (weight / the candidate's
        place by the hybrid, feature ``hyb_rank``) added to the booster's score, selected on
        2023 with the prior (`learn.select_prior`)."""
        return float(self.meta.get("blend_weight", 0.0))

    def blend(self, X: np.ndarray) -> np.ndarray:
        """`blend_weight` / the ``hyb_rank`` of each row (0 for a model without it).

        >>> m = TaskModel("partners", ("hyb_rank",), None, {"blend_weight": 2.0})
        >>> m.blend(np.array([[1.0], [4.0]])).tolist()
        [2.0, 0.5]
        """
        if not self.blend_weight or BLEND_FEATURE not in self.features or not len(X):
            return np.zeros(len(X))
        place = X[:, self.features.index(BLEND_FEATURE)].astype(np.float64)
        return self.blend_weight / np.maximum(place, 1.0)

    def predict(self, X: np.ndarray, *, prior: bool = True) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        s = np.asarray(self.booster.predict(X, num_threads=1), dtype=np.float64)
        return s + self.prior(X) + self.blend(X) if prior else s

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions (rows × features) and, in the last column, the base value
        (LightGBM's path-dependent TreeSHAP, ``pred_contrib``); the popularity prior counts as
        part of the ``pop_rate`` feature's contribution, the blend as part of ``hyb_rank``'s."""
        if not len(X):
            return np.zeros((0, len(self.features) + 1))
        if self.shap is not None:  # the same numbers as LightGBM's, by table look-up
            out = self.shap.contributions(X)
        else:
            out = np.asarray(self.booster.predict(X, pred_contrib=True, num_threads=1), dtype=np.float64)
        if self.prior_weight and "pop_rate" in self.features:
            out[:, self.features.index("pop_rate")] += self.prior(X)
        if self.blend_weight and BLEND_FEATURE in self.features:
            out[:, self.features.index(BLEND_FEATURE)] += self.blend(X)
        return out

    @functools.cached_property
    def shap(self) -> TreeShap | None:
        """The booster's TreeSHAP tables (`treeshap`), built on first use; None for a booster
        they cannot reproduce exactly (LightGBM's ``pred_contrib`` is used then)."""
        return TreeShap.of(self.booster)

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
