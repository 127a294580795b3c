"""What is fitted on 2023: the baselines' parameters, and the rankers (LightGBM in forked children)."""
from __future__ import annotations

import json
import time
from multiprocessing import get_context

import numpy as np

from kim_network.matching import baselines as B, learn, ltr, ltr_model

from .methods import AdamicAdar, BasketModel, Method, Popularity, StandardHybridMethod, TextTFIDF
from .periods import _STATE, VALIDATION_FROM, Period, cached, log
from .runs import _values, fork_map, run_task


QUICK = False  # --quick: tiny grids, for the tests on a fictional folder
PARAM_CHOICE = None  # --params: the positions in PARAM_GRID to try (None: all)


def baseline_grid():
    grid = []
    lams = (10, 100) if QUICK else (10, 20, 50, 100, 200, 500, 1000, 3000, 10000, 30000)
    alphas = (0.5,) if QUICK else (0.25, 0.5, 0.75, 1.0)
    for variant in ("all", "core"):
        for lam in lams:
            grid.append(("EASE", variant, B.EASE, {"lam": float(lam)}))
        for alpha in alphas:
            for top_k in ((None,) if QUICK else (50, 100, 200, None)):
                grid.append(("P3α", variant, B.RP3Beta, {"alpha": alpha, "beta": 0.0, "top_k": top_k}))
            for beta in ((0.2,) if QUICK else (0.05, 0.1, 0.2, 0.4)):
                for top_k in ((None,) if QUICK else (100, None)):
                    grid.append(("RP3β", variant, B.RP3Beta, {"alpha": alpha, "beta": beta, "top_k": top_k}))
    return grid


def _label(name, variant, params) -> str:
    return f"{name} [{variant}] " + ", ".join(f"{k}={v}" for k, v in params.items())


def tune_baselines(period: Period, workers: int) -> dict:
    """For each baseline family and task, the variant and parameters best on 2023 (by Hits@10 / recall@10)."""
    best: dict = {}
    target = {"partners": "hits10", "organisation": "recall10", "idea": "hits10"}
    families: dict = {}
    for name, variant, make, params in baseline_grid():
        families.setdefault(name, []).append((variant, make, params))
    log_lines = []
    for name, configs in families.items():
        for start in range(0, len(configs), 8):
            batch = configs[start:start + 8]
            methods = []
            for variant, make, params in batch:
                m = BasketModel(_label(name, variant, params), variant, make, params).fit(period)
                methods.append(m)
            for task in ("partners", "organisation"):
                rows = run_task(period, methods, task, workers=workers)
                for m, (variant, _make, params) in zip(methods, batch):
                    value = float(_values(rows, m.name, task)[target[task]].mean())
                    log_lines.append(f"{task:12s} {m.name:60s} {target[task]} {value:.4f}")
                    key = (name, task)
                    if key not in best or value > best[key]["value"]:
                        best[key] = {"variant": variant, "params": params, "value": value}
            for m in methods:
                m.model = None
            log(f"tuned {name}: {min(start + 8, len(configs))}/{len(configs)}")
    for variant in ("all", "core"):
        for task in ("partners", "organisation", "idea"):
            methods = [StandardHybridMethod(variant)]
            if task != "organisation":
                methods.append(TextTFIDF(variant))
            if task != "idea":
                methods.append(AdamicAdar(variant))
            rows = run_task(period, methods, task, workers=workers)
            for m in methods:
                value = float(_values(rows, m.name, task)[target[task]].mean())
                log_lines.append(f"{task:12s} {m.name} [{variant}] {target[task]} {value:.4f}")
                key = (m.name, task)
                if key not in best or value > best[key]["value"]:
                    best[key] = {"variant": variant, "params": {}, "value": value}
    return {"best": {f"{k[0]}|{k[1]}": v for k, v in best.items()}, "log": log_lines}


def baseline_methods(period: Period, tuned: dict, task: str) -> list[Method]:
    best = tuned["best"]
    methods: list[Method] = [Popularity()]
    if task != "organisation":
        methods.append(TextTFIDF(best[f"text (TF-IDF)|{task}"]["variant"]))
    if task != "idea":
        methods.append(AdamicAdar(best[f"graph (Adamic–Adar)|{task}"]["variant"]))
    methods.append(StandardHybridMethod(best[f"hybrid (standard)|{task}"]["variant"]))
    if task != "idea":
        for name, make in (("EASE", B.EASE), ("P3α", B.RP3Beta), ("RP3β", B.RP3Beta)):
            cfg = best[f"{name}|{task}"]
            methods.append(BasketModel(name, cfg["variant"], make, cfg["params"]).fit(period))
    return methods


# -- training the rankers on 2023 ---------------------------------------------------------------
def _rows_job(args):
    positions, task, full, seed, train = args
    period = _STATE["period"]
    return learn.ltr_rows(period.proj, [period.cases[p] for p in positions], task, full=full, seed=seed, train=train)


def task_rows(period: Period, positions, task: str, *, full: bool, train: bool, workers: int):
    _STATE.update(period=period)
    positions = list(positions)
    chunks = [(positions[i::workers * 4], task, full, i, train) for i in range(workers * 4)]
    parts = fork_map(_rows_job, [c for c in chunks if c[0]], workers)
    if not parts:  # no projects in this part of the year
        parts = [learn.ltr_rows(period.proj, [], task, full=full, train=train)]
    X = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    g = np.concatenate([p[2] for p in parts])
    missed, total = sum(p[3] for p in parts), sum(p[4] for p in parts)
    return X, y, g, missed, total, np.concatenate([p[5] for p in parts])


def subsample_rows(rows, negatives: int = 200, seed: int = 0):
    """Full candidate lists reduced like `learn.ltr_rows` reduces them: the gold and a uniform sample."""
    X, y, g = rows[:3]
    rng = np.random.default_rng(seed)
    keep, groups, start = [], [], 0
    for n in g:
        ids = np.arange(start, start + n)
        gold, rest = ids[y[ids] > 0], ids[y[ids] == 0]
        picked = np.concatenate([gold, rng.choice(rest, size=min(negatives, len(rest)), replace=False)])
        keep.append(picked)
        groups.append(len(picked))
        start += n
    keep = np.concatenate(keep) if keep else np.zeros(0, dtype=np.int64)
    return X[keep], y[keep], np.asarray(groups, dtype=np.int64)


def _fit_job(args):
    task, params, rounds, meta = args
    train, valid = _STATE["fit"]
    model = learn.fit_task_model(task, train, valid, params=params, rounds=rounds, meta=meta)
    return model.to_json(), model.meta


def fit_in_child(task, train, valid, params, rounds, meta=None):
    """Fit in a forked child: LightGBM's OpenMP threads in this process would hang later forks."""
    _STATE["fit"] = (train, valid)
    try:
        with get_context("fork").Pool(1) as pool:
            return pool.apply(_fit_job, ((task, params, rounds, meta),))
    finally:
        _STATE.pop("fit", None)


def _prior_job(_args):
    model_json, rows, focus = _STATE["prior"]
    return learn.select_prior(ltr.TaskModel.from_json(model_json), rows, focus)


def prior_in_child(model_json: str, rows, focus):
    """`learn.select_prior` in a forked child (LightGBM is never loaded in this process)."""
    _STATE["prior"] = (model_json, rows, focus)
    try:
        with get_context("fork").Pool(1) as pool:
            return pool.apply(_prior_job, (None,))
    finally:
        _STATE.pop("prior", None)


PARAM_GRID = [  # "monotone": evidence features may only raise a score (ltr_model.MONOTONE_UP)
    {"num_leaves": 15, "min_data_in_leaf": 100, "monotone": True},
    {"num_leaves": 31, "min_data_in_leaf": 100, "monotone": True},
    {"num_leaves": 15, "min_data_in_leaf": 100, "monotone": False},
]


def _with_meta(model_json: str, **meta) -> str:
    data = json.loads(model_json)
    data.setdefault("meta", {}).update(meta)
    return json.dumps(data, indent=0)


def _concat(*parts):
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))


def _split(period: Period) -> tuple[list[int], list[int]]:
    """The positions of the cases signed before the validation date, and of the later ones."""
    return ([i for i, c in enumerate(period.cases) if c.signed < VALIDATION_FROM],
            [i for i, c in enumerate(period.cases) if c.signed >= VALIDATION_FROM])


def selection_rows(period: Period, keys: dict, task: str, workers: int, *, lists: bool = True):
    """The training rows before the validation date and (with `lists`) the validation lists
    (every candidate) of the validation year, cached."""
    train_pos, valid_pos = _split(period)
    key = keys["ranker"]
    tr = cached(f"rows-{task}-train", key, lambda: task_rows(period, train_pos, task, full=False, train=True,
                                                               workers=workers))
    va = cached(f"rows-{task}-valid", key, lambda: task_rows(period, valid_pos, task, full=True, train=False,
                                                               workers=workers)) if lists else None
    return tr, va


def year_rows(period: Period, keys: dict, task: str, workers: int, selected=None):
    """Training rows (X, y, groups) of every project of the validation year (2023), as its final
    model is fitted on: each query's gold and 200 uniform negatives among its candidates. These
    are the selection's rows (before the validation date) and those of the validation projects,
    sampled alike; `selected` passes in `selection_rows` when the caller holds them already.
    """
    if task == "organisation":  # training asks every member, the validation only coordinators
        tr = selected[0] if selected else selection_rows(period, keys, task, workers, lists=False)[0]
        valid_pos = _split(period)[1]
        late = cached(f"rows-{task}-late", keys["ranker"], lambda: task_rows(
            period, valid_pos, task, full=False, train=True, workers=workers))
    else:  # the same queries as the validation lists: sample their negatives as ltr_rows does
        tr, va = selected or selection_rows(period, keys, task, workers)
        late = subsample_rows(va)
    return _concat(tr, late)


def half_rows(period: Period, keys: dict, task: str, workers: int):
    """Training rows as `year_rows` samples them, of the projects signed before July of the
    period's year and of the later ones (two parts, cached)."""
    split = f"{period.year}-07-01"
    out = []
    for name, keep in (("early", lambda c: c.signed < split), ("late", lambda c: c.signed >= split)):
        positions = [i for i, c in enumerate(period.cases) if keep(c)]
        out.append(cached(f"rows-{task}-{period.year}-{name}", keys["ranker"],
                          lambda: task_rows(period, positions, task, full=False, train=True, workers=workers)))
    return out


def recipe(meta: dict) -> tuple[dict, int]:
    """The LightGBM parameters (with `monotone` as `PARAM_GRID` says it) and rounds of a fitted
    model's meta."""
    params = dict(meta.get("params", {}))
    monotone = bool(params.pop("monotone_constraints_method", None))
    return {**params, "monotone": monotone}, int(meta["rounds"])


def deployment_models(evaluated: dict, rows: dict, years: str) -> dict:
    """The shipped rankers: each evaluated model's recipe (LightGBM parameters, rounds, popularity
    prior and blend weight, all chosen on 2023) refitted on the training rows of every year in
    `rows` (task -> list of (X, y, groups)), so that what serves a later year has seen the
    most recent consortia. The evaluation reports the evaluated models, never these.
    """
    out = {}
    for task, model_json in evaluated.items():
        meta = json.loads(model_json).get("meta", {})
        params, rounds = recipe(meta)
        allr = _concat(*rows[task])
        t = time.perf_counter()
        out[task], _meta = fit_in_child(task, allr, None, params, rounds, meta={
            "trained_on": f"CORDIS projects signed in {years} (profiles up to the end of the year before each)",
            "selected_on": meta.get("selected_on", ""), "recipe_of": meta.get("trained_on", ""),
            "candidates_per_signal": ltr.CANDIDATES_PER_SIGNAL, "prior_weight": meta.get("prior_weight", 0.0),
            "blend_weight": meta.get("blend_weight", 0.0)})
        log(f"{task}: shipped model refitted on {len(allr[2])} queries ({years}), {rounds} rounds, "
            f"in {time.perf_counter() - t:.0f}s")
    return out


def train_models(period: Period, keys: dict, workers: int, tasks=ltr_model.TASKS) -> tuple[dict, dict]:
    """Per task: select LightGBM parameters on the late-2023 validation, refit on all of 2023.

    Returns the final models and the selection models (trained before the validation date
    only: the ones `--validate` reports, since the final ones have seen the validation year).
    """
    models, selection = {}, {}
    for task in tasks:
        t = time.perf_counter()
        tr, va = selection_rows(period, keys, task, workers)
        log(f"{task}: rows train {tr[0].shape} ({tr[3]}/{tr[4]} queries without gold among the candidates), "
            f"valid {va[0].shape} ({va[3]}/{va[4]}) in {time.perf_counter() - t:.0f}s")
        best = None
        grid = PARAM_GRID[:1] if QUICK else [PARAM_GRID[i] for i in PARAM_CHOICE] if PARAM_CHOICE else PARAM_GRID
        for params in grid:
            text, meta = fit_in_child(task, tr, va, params, 1000)
            score = meta.get("valid_ndcg10", 0.0)
            log(f"{task}: {params} -> valid nDCG@10 {score:.4f} after {meta['rounds']} rounds")
            if best is None or score > best[0]:
                best = (score, params, meta["rounds"], text)
        # The popularity prior and the blend with the standard hybrid, chosen on the same late-2023
        # lists with the selection model: the best Hits@10 + MRR of the Bavarian organisations at
        # no more than 2 % less Hits@10 overall.
        bavarian = np.array([str(period.proj.region[a]).startswith("DE2") for a in va[5]], dtype=bool)
        weight, blend, table = prior_in_child(best[3], va, bavarian)
        log(f"{task}: popularity prior, blend " + ", ".join(f"{w:g},{v:g}: {o:.4f}/{b:.4f}/{r:.4f}"
                                                            for w, v, o, b, r in table)
            + f" (Hits@10 all / Hits@10 Bavaria / MRR Bavaria among candidates) -> {weight:g}, {blend:g}")
        selection[task] = _with_meta(best[3], prior_weight=weight, blend_weight=blend, prior_table=table)
        allr = year_rows(period, keys, task, workers, (tr, va))
        rounds = max(20, int(best[2] * 1.15))
        models[task], _meta = fit_in_child(task, allr, None, best[1], rounds, meta={
            "trained_on": f"CORDIS projects signed in {period.year} (profiles up to {period.until})",
            "selected_on": f"projects signed from {VALIDATION_FROM} (valid nDCG@10 {best[0]:.4f})",
            "candidates_per_signal": ltr.CANDIDATES_PER_SIGNAL, "prior_weight": weight,
            "blend_weight": blend})
        log(f"{task}: final model {best[1]}, {rounds} rounds, trained in {time.perf_counter() - t:.0f}s")
    return models, selection

