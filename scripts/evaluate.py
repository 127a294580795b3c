"""Offline evaluation of partner recommendations on real CORDIS consortia, with a time split.

Training: profiles from projects signed up to 2022-12-31, queries from projects signed in
2023. Report: profiles up to 2023-12-31, queries from projects signed in 2024 with at least
three coordinator/participant organisations; each member with earlier history is hidden
once and must be found again from the project's text, topic, skills and the other members.

    .venv/bin/python scripts/evaluate.py [--limit N] [--out docs/evaluation.md] [--save-model]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kim_network.importers.cordis import default_dir, read_cordis  # noqa: E402
from kim_network.matching import learn, rank  # noqa: E402
from kim_network.matching.projection import projection_from_records  # noqa: E402

METHODS = ("popularity", "text (TF-IDF)", "graph (Adamic–Adar)", "hybrid text+graph", "KI.M ranker")
EXPERIMENTS: dict = {}  # name -> callable(proj, feats, lr_scores) -> scores (validation only)
_STATE: dict = {}


def _minmax(v: np.ndarray, pool: np.ndarray) -> np.ndarray:
    hi = v[pool].max() if pool.any() else 0.0
    return v / hi if hi > 0 else np.zeros_like(v)


def method_scores(proj, feats, ranker, pool, visible=()) -> dict[str, np.ndarray]:
    """Scores of every method for one query. Ties among baselines are broken by popularity."""
    tie = rank.signals.log_scale(proj.n_projects) * 1e-6
    candidates = pool.copy()
    candidates[list(visible)] = False
    text = feats["text_lex"]
    graph = feats["_aa_raw"]
    return {
        "popularity": proj.n_projects.astype(np.float64),
        "text (TF-IDF)": text + tie,
        "graph (Adamic–Adar)": graph + tie,
        "hybrid text+graph": 0.5 * _minmax(text, pool) + 0.5 * _minmax(graph, pool) + tie,
        "KI.M ranker": ranker.logits(rank.feature_matrix(feats), candidates),
        **{name: fn(proj, feats, candidates) for name, fn in EXPERIMENTS.items()},
    }


def _eval_cases(case_slice):
    proj, ranker, pool = _STATE["proj"], _STATE["ranker"], _STATE["pool"]
    out = []
    for case in case_slice:
        for h, visible, feats in learn.case_features(proj, case):
            scores = method_scores(proj, feats, ranker, pool, visible)
            ranks = {m: learn.rank_of(s, h, pool, visible) for m, s in scores.items()}
            out.append((case.bavarian[h], ranks))
    return out


def evaluate(proj, cases, ranker, workers: int = 2):
    """Ranks of every hidden member under every method (forked workers share the projection)."""
    _STATE.update(proj=proj, ranker=ranker, pool=learn.candidate_pool(proj))
    chunks = [cases[i::workers * 8] for i in range(workers * 8)]
    if workers > 1:
        with get_context("fork").Pool(workers) as pool:
            parts = pool.map(_eval_cases, chunks)
    else:
        parts = [_eval_cases(c) for c in chunks]
    methods = METHODS + tuple(EXPERIMENTS)
    overall = {m: learn.Metrics() for m in methods}
    bavaria = {m: learn.Metrics() for m in methods}
    for part in parts:
        for bav, ranks in part:
            for m, r in ranks.items():
                overall[m].add(r)
                if bav:
                    bavaria[m].add(r)
    return overall, bavaria


def table(title: str, metrics: dict[str, learn.Metrics]) -> str:
    lines = [f"**{title}** (queries: {metrics[METHODS[0]].summary()['n']})", "",
             "| method | Hits@10 | Hits@50 | MRR | nDCG@10 |", "| --- | ---: | ---: | ---: | ---: |"]
    for m in metrics:
        s = metrics[m].summary()
        lines.append(f"| {m} | {s['hits10']:.3f} | {s['hits50']:.3f} | {s['mrr']:.3f} | {s['ndcg10']:.3f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(default_dir()), help="CORDIS folder")
    ap.add_argument("--limit", type=int, default=None, help="evaluate only N random 2024 projects")
    ap.add_argument("--train-limit", type=int, default=900, help="2023 projects used for training")
    ap.add_argument("--validate", action="store_true", help="report on 2023 (validation) instead of 2024")
    ap.add_argument("--out", default=str(ROOT / "docs" / "evaluation.md"))
    ap.add_argument("--save-model", action="store_true", help="write the trained ranker to the package")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)

    started = time.perf_counter()
    records = read_cordis(args.data)
    print(f"read CORDIS in {time.perf_counter() - started:.1f}s", file=sys.stderr)

    t = time.perf_counter()
    proj22 = projection_from_records(records, until="2022-12-31")
    train_cases = learn.project_cases(records, proj22, "2023-01-01", "2023-12-31", limit=args.train_limit, seed=1)
    if args.validate:  # hold out part of 2023 for validation, train on the rest
        held = set(c.project_id for c in train_cases[::4])
        val_cases = [c for c in train_cases if c.project_id in held]
        train_cases = [c for c in train_cases if c.project_id not in held]
    ranker = learn.train_ranker(proj22, train_cases, workers=args.workers, log=lambda m: print(m, file=sys.stderr))
    ranker.meta.update(trained_on="CORDIS consortia signed 2023 (hidden-partner queries), profiles <= 2022")
    print(f"trained in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    if args.save_model:
        rank.RANKER_FILE.write_text(ranker.to_json() + "\n", encoding="utf-8")
        print(f"saved {rank.RANKER_FILE}", file=sys.stderr)

    t = time.perf_counter()
    if args.validate:
        proj, cases, period = proj22, val_cases, "2023 validation (profiles <= 2022)"
    else:
        proj = projection_from_records(records, until="2023-12-31")
        cases = learn.project_cases(records, proj, "2024-01-01", "2024-12-31", limit=args.limit, seed=2)
        period = "2024 (profiles <= 2023)"
    overall, bavaria = evaluate(proj, cases, ranker, workers=args.workers)
    print(f"evaluated {len(cases)} projects in {time.perf_counter() - t:.1f}s", file=sys.stderr)

    hyb = overall["hybrid text+graph"].summary()["hits10"]
    ours = overall["KI.M ranker"].summary()["hits10"]
    bav_ours = bavaria["KI.M ranker"].summary()["hits10"]
    bav_best = max(bavaria[m].summary()["hits10"] for m in METHODS if m != "KI.M ranker")
    report = "\n\n".join([
        f"### Partner recommendation on CORDIS, queries {period}",
        f"Hidden-partner task: a project's title, keywords, objective, topic and euroSciVoc terms and all "
        f"but one of its coordinator/participant organisations are given; the hidden organisation (one "
        f"with earlier projects) is ranked among all {int(learn.candidate_pool(proj).sum())} organisations "
        f"with earlier history. Projects: {len(cases)}"
        + (f" (random sample of --limit {args.limit})" if args.limit else "") + ".",
        table("All hidden organisations", overall),
        table("Hidden organisations in Bavaria (NUTS DE2*)", bavaria),
        f"KI.M ranker vs hybrid, Hits@10 overall: {ours / hyb if hyb else float('nan'):.2f}× "
        f"(target ≥ 1.3×); Bavaria: {bav_ours:.3f} vs best baseline {bav_best:.3f}.",
        f"Full run: {time.perf_counter() - started:.0f}s on {args.workers} worker(s).",
    ])
    print(report)
    if args.out and not args.limit and not args.validate:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(report + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
