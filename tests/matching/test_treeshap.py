"""The TreeSHAP tables give LightGBM's own `pred_contrib` numbers (the reasons' shares)."""
import lightgbm as lgb
import numpy as np
import pytest

from kim_network.matching import ltr_model, treeshap
from kim_network.matching.treeshap import TreeShap


def _data(n=1500, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    X[:, 2] = rng.integers(0, 7, n)  # a categorical feature, like `kind`
    X[rng.random(n) < 0.1, 0] = np.nan
    X[rng.random(n) < 0.2, 3] = 0.0
    y = X[:, 1] + np.nan_to_num(X[:, 0]) * (X[:, 2] % 2) + (X[:, 3] > 0.3) + rng.normal(size=n) * 0.1
    return X, y


def _queries(X):
    Q = X[:120].copy()
    # Odd values: NaN, negative, fractional, unseen and huge categories; NaN, tiny and -0.0 numbers.
    Q[:6, 2] = [np.nan, -1, 2.7, 99, -0.5, 1e12]
    Q[6:10, 3] = [np.nan, 1e-36, -0.0, -1e-36]
    Q[10:12, 0] = np.nan
    Q[12, :] = np.nan
    return Q


@pytest.mark.parametrize("params", [{}, {"zero_as_missing": True}, {"use_missing": False}, {"num_leaves": 31}])
def test_the_tables_give_lightgbms_contributions_with_missing_values_and_categories(params):
    X, y = _data()
    booster = lgb.train({"num_leaves": 15, "verbose": -1, "min_data_in_leaf": 5, "seed": 0, **params},
                        lgb.Dataset(X, y, categorical_feature=[2]), 30)
    shap = TreeShap.of(booster)
    assert shap is not None
    Q = _queries(X)
    ref = booster.predict(Q, pred_contrib=True)
    mine = shap.contributions(Q)
    assert mine.shape == ref.shape
    assert np.allclose(mine, ref, rtol=1e-10, atol=1e-10)
    assert np.allclose(mine.sum(axis=1), booster.predict(Q), rtol=1e-10, atol=1e-10)  # rows add up
    assert np.allclose(shap.contributions(Q.astype(np.float32)), booster.predict(Q.astype(np.float32), pred_contrib=True),
                       rtol=1e-10, atol=1e-10)


def test_small_groups_give_the_same_numbers(monkeypatch):
    """Trees split into subtrees (down to single leaves) when their tables would be too large."""
    X, y = _data(seed=2)
    booster = lgb.train({"num_leaves": 31, "verbose": -1, "min_data_in_leaf": 3, "seed": 0},
                        lgb.Dataset(X, y, categorical_feature=[2]), 10)
    Q = _queries(X)
    whole = TreeShap.of(booster)
    monkeypatch.setattr(treeshap, "GROUP_CAP", 4)
    split = TreeShap.of(booster)
    assert len(split.g_off) > len(whole.g_off)
    assert np.allclose(split.contributions(Q), booster.predict(Q, pred_contrib=True), rtol=1e-10, atol=1e-10)


def test_a_model_the_tables_cannot_hold_falls_back_to_lightgbm(monkeypatch):
    X, y = _data()
    booster = lgb.train({"num_leaves": 15, "verbose": -1, "seed": 0}, lgb.Dataset(X, y), 5)
    monkeypatch.setattr(treeshap, "LEAF_CAP", 1)
    assert TreeShap.of(booster) is None
    assert TreeShap.of(object()) is None  # not a LightGBM booster
    linear = lgb.train({"num_leaves": 7, "verbose": -1, "linear_tree": True}, lgb.Dataset(np.nan_to_num(X), y), 3)
    assert TreeShap.of(linear) is None  # nor can LightGBM explain linear trees
    model = ltr_model.TaskModel("partners", tuple(f"f{i}" for i in range(6)), booster)
    Q = _queries(X)
    assert model.shap is None
    assert np.allclose(model.contributions(Q), booster.predict(Q, pred_contrib=True))


@pytest.mark.parametrize("task", ltr_model.TASKS)
def test_the_shipped_models_contributions_are_lightgbms(task):
    model = ltr_model.load_model(task)
    if model is None:
        pytest.skip(f"no shipped model for {task}")
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, len(model.features))).astype(np.float32)
    for f, ft in model.shap.feats.items():  # values around the model's own thresholds
        X[:, f] = (rng.integers(-1, len(ft.lut) + 1, len(X)) if ft.categorical
                   else rng.choice(ft.thresholds, len(X)) + rng.choice([-1e-3, 0.0, 1e-3], len(X)))
    ref = np.asarray(model.booster.predict(X, pred_contrib=True, num_threads=1))
    assert np.allclose(model.shap.contributions(X), ref, rtol=1e-10, atol=1e-10)
    parts = model.contributions(X)  # with the prior and the blend in their features' parts
    assert np.allclose(parts.sum(axis=1), model.predict(X), rtol=1e-10, atol=1e-10)
