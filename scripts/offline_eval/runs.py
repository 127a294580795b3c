"""Running a task over the cases in forked workers (one row per query), and the metrics, slices
and bootstrap intervals of its rows."""
from __future__ import annotations

from multiprocessing import get_context

import numpy as np

from kim_network.matching import learn

from .periods import _STATE, SLICES, Period


def _rank(scores: np.ndarray, target: int, mask: np.ndarray) -> int:
    s = scores[target]
    return int(np.count_nonzero(scores[mask] >= s))


def _top(scores: np.ndarray, mask: np.ndarray, n: int = 50) -> np.ndarray:
    idx = np.flatnonzero(mask)
    v = scores[idx]
    n = min(n, len(idx))
    top = idx[np.argpartition(-v, n - 1)[:n]]
    return top[np.argsort(-scores[top], kind="stable")]


def run_cases(args):
    """Worker: evaluate `methods` on some cases of one task; one row per query."""
    positions, task = args
    period, methods = _STATE["period"], _STATE["methods"]
    pool = period.pool
    out = []
    for pos in positions:
        case = period.cases[pos]
        active = [m for m in methods if task in m.tasks]
        states = [m.prepare(period, case, task) for m in active]
        proj = period.proj
        if task == "partners":
            for seeds, gold, h in learn.task_queries(proj, case, task):
                mask = pool.copy()
                mask[seeds] = False
                mask[h] = True
                vals = {m.name: _rank(m.scores(period, st, seeds), h, mask) for m, st in zip(active, states)}
                out.append((pos, h, vals))
        elif task == "idea":
            scores = [m.scores(period, st, []) for m, st in zip(active, states)]
            for h in case.hidden:
                mask = pool.copy()
                mask[[g for g in case.hidden if g != h]] = False
                mask[h] = True
                out.append((pos, h, {m.name: _rank(s, h, mask) for m, s in zip(active, scores)}))
        else:
            for seeds, gold, a in learn.task_queries(proj, case, task):
                mask = pool.copy()
                mask[seeds] = False
                vals = {m.name: learn.set_metrics(_top(m.scores(period, st, seeds), mask), gold)
                        for m, st in zip(active, states)}
                out.append((pos, a, vals))
    return out


def fork_map(job, chunks: list, workers: int) -> list:
    """`[job(c) for c in chunks]`, in `workers` forked processes when there are several chunks."""
    if workers > 1 and len(chunks) > 1:
        with get_context("fork").Pool(workers) as pool:
            return pool.map(job, chunks)
    return [job(c) for c in chunks]


def run_task(period: Period, methods, task: str, positions=None, workers: int = 2) -> list:
    positions = list(range(len(period.cases))) if positions is None else list(positions)
    _STATE.update(period=period, methods=methods)
    chunks = [(positions[i::workers * 6], task) for i in range(workers * 6)]
    parts = fork_map(run_cases, [c for c in chunks if c[0]], workers)
    rows = [r for part in parts for r in part]
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


# -- metrics, slices, intervals -------------------------------------------------------------
SET_METRICS = ("recall10", "hit10", "recall50", "rr", "ndcg10")


def _values(rows, method: str, task: str) -> dict[str, np.ndarray]:
    if task == "organisation":
        return {k: np.array([r[2][method][k] for r in rows]) for k in SET_METRICS}
    r = np.array([row[2][method] for row in rows], dtype=np.float64)
    return {"hits10": (r <= 10).astype(float), "hits50": (r <= 50).astype(float), "mrr": 1.0 / r,
            "ndcg10": np.where(r <= 10, 1.0 / np.log2(r + 1), 0.0)}


def slice_mask(period: Period, rows, name: str) -> np.ndarray:
    if name == "all":
        return np.ones(len(rows), dtype=bool)
    if name == "media_ict":
        return np.array([period.cases[r[0]].media_ict for r in rows], dtype=bool)
    return np.array([learn.member_flags(period.proj, r[1])[name] for r in rows], dtype=bool)


def summarise(period: Period, rows, methods: list[str], task: str, n_boot: int = 1000) -> dict:
    """Per slice and method: mean metrics, bootstrap intervals of the headline metrics."""
    head = ("recall10",) if task == "organisation" else ("hits10", "mrr")
    clusters = np.array([r[0] for r in rows])
    out = {}
    for sl in SLICES:
        mask = slice_mask(period, rows, sl)
        sub = [r for r, m in zip(rows, mask) if m]
        entry = {"n": len(sub), "projects": len(set(r[0] for r in sub)), "methods": {}}
        if not sub:
            out[sl] = entry
            continue
        vals = {m: _values(sub, m, task) for m in methods}
        for m in methods:
            entry["methods"][m] = {k: float(v.mean()) for k, v in vals[m].items()}
        for metric in head:
            stacked = np.column_stack([vals[m][metric] for m in methods])
            boots = learn.bootstrap_means(stacked, clusters[mask], n_boot=n_boot, seed=7)
            for j, m in enumerate(methods):
                lo, hi = np.percentile(boots[:, j], [2.5, 97.5])
                entry["methods"][m][metric + "_ci"] = (float(lo), float(hi))
            entry.setdefault("_boots", {})[metric] = (methods, boots)
        out[sl] = entry
    return out


def ratio_ci(summary: dict, slice_name: str, metric: str, ours: str, base: str) -> tuple[float, float, float]:
    methods, boots = summary[slice_name]["_boots"][metric]
    a, b = boots[:, methods.index(ours)], boots[:, methods.index(base)]
    ratio = a / np.maximum(b, 1e-12)
    point = summary[slice_name]["methods"][ours][metric] / max(summary[slice_name]["methods"][base][metric], 1e-12)
    lo, hi = np.percentile(ratio, [2.5, 97.5])
    return point, float(lo), float(hi)

