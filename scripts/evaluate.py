"""Offline evaluation of partner recommendations on real CORDIS consortia, with a time split.

Three tasks, each on projects with at least three coordinator/participant organisations:

(a) **hidden partner**: the project's text (title, keywords, objective, topic title, euroSciVoc
    terms, call topic) and all but one of its members; the hidden member (one with earlier
    projects) is ranked among every organisation with earlier projects, the members on board
    excluded. Every member with history is hidden once.
(b) **organisation only**: the coordinator alone, no text; the gold is every other member with
    history (recall@10, hit@10).
(c) **text only**: the project text without partners, as `/matches/project` gets it; each
    member is ranked with the other members removed from the list.

Selection and tuning use 2023 only (profiles from projects signed up to 2022-12-31): the
baselines' parameters are tuned on all 2023 queries; the rankers are trained on 2023 projects
signed before the validation date and selected on the later ones, then refitted on all of 2023.
The report uses 2024 (profiles up to 2023-12-31). Intermediate results are cached under
$KIM_EVAL_CACHE (default /tmp/eval-cache), keyed by the code and the data.

The models the report evaluates (trained on 2023) are kept in scripts/offline_eval/rankers/.
What the platform ships (kim_network/matching/ranker_*.json) is each evaluated model's recipe,
chosen on 2023, refitted on the consortia of 2023 and 2024 (`--deploy`), so that a later year
is served by a model that has seen the latest consortia; those are never evaluated on 2024.

    .venv/bin/python scripts/evaluate.py                 # report with the evaluated models -> docs/evaluation.md
    .venv/bin/python scripts/evaluate.py --train --save-model   # retrain on 2023, keep them, report
    .venv/bin/python scripts/evaluate.py --deploy        # report, then refit the shipped models on 2023+2024
    .venv/bin/python scripts/evaluate.py --validate      # 2023 validation numbers (selection)
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy is imported
    os.environ.setdefault(_var, "1")

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # offline_eval, also when loaded from elsewhere

from kim_network.importers.cordis import default_dir, read_cordis  # noqa: E402
from kim_network.matching import ltr_model  # noqa: E402
from offline_eval import tuning  # noqa: E402
from offline_eval.methods import BasketModel, KimRanker, StandardHybridMethod  # noqa: E402
from offline_eval.periods import (  # noqa: E402
    BASELINE_CODE, PROJECTION_CODE, RANKER_CODE, ROOT, TASK_NAMES, VALIDATION_FROM, _code_key, cached, load_period, log)
from offline_eval.report import model_lines, target_lines, task_tables, tuned_lines  # noqa: E402
from offline_eval.runs import run_task, summarise  # noqa: E402
from offline_eval.tuning import (  # noqa: E402
    baseline_methods, deployment_models, half_rows, train_models, tune_baselines, year_rows)

EVALUATED = {task: ROOT / "scripts" / "offline_eval" / "rankers" / f"ranker_{task}.json" for task in ltr_model.TASKS}

__all__ = ["TASK_NAMES", "main"]  # the tasks' titles, as the report names them


def deployment_check(period, tuned, models: dict, refit_rows: dict, args, tasks) -> list[str]:
    """Does refitting on the latest year help the year after? The same question one step back, on
    2024's second half: the evaluated models against their recipes refitted on 2023 and the
    first half of 2024 (profiles up to 2023 for both halves), beside the standard hybrid.
    `refit_rows` holds per task the rows of 2023 and of 2024's two halves (`half_rows`)."""
    late = [i for i, c in enumerate(period.cases) if c.signed >= f"{period.year}-07-01"]
    early_rows = {t: refit_rows[t][:2] for t in tasks}
    refitted = deployment_models(models, early_rows, f"2023 and {period.year}-01–06")
    out = ["### Deployment check: refitted on the latest consortia, tried on the half year after",
           f"Projects signed from {period.year}-07-01 (profiles up to {period.until}). 'evaluated' is the model "
           "of the tables above (trained on 2023); 'refitted' is its recipe refitted on 2023 and on the projects "
           f"signed in {period.year} before July, as `--deploy` refits the shipped models on 2023 and 2024 for "
           "the year after. Nothing here is used to choose anything but whether the shipped models are refitted."]
    for task in tasks:
        hybrid = StandardHybridMethod(tuned["best"][f"hybrid (standard)|{task}"]["variant"])
        evaluated, latest = KimRanker(dict(models)), KimRanker(dict(refitted))
        evaluated.name, latest.name = "KI.M ranker, evaluated (2023)", f"KI.M ranker, refitted (2023 + {period.year}-H1)"
        methods = [hybrid, evaluated, latest]
        rows = run_task(period, methods, task, late, workers=args.workers)
        names = [m.name for m in methods]
        if not rows:
            out.append(f"#### Task {TASK_NAMES[task]}\n\nNo queries in this half year.")
            continue
        out.append(task_tables(task, summarise(period, rows, names, task, n_boot=args.boot), names, period))
        log(f"deployment check {task}: {len(rows)} queries")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(default_dir()), help="CORDIS folder")
    ap.add_argument("--limit", type=int, default=None, help="only N random projects per year (quick runs)")
    ap.add_argument("--train", action="store_true", help="retrain the rankers on 2023 (default: the evaluated models)")
    ap.add_argument("--save-model", action="store_true",
                    help="keep the retrained rankers as the evaluated ones (scripts/offline_eval/rankers)")
    ap.add_argument("--deploy", action="store_true",
                    help="after the report, refit the evaluated rankers' recipes on 2023 and 2024 and ship them")
    ap.add_argument("--model-dir", default=str(ltr_model.MODEL_DIR), help="where --deploy writes the shipped rankers")
    ap.add_argument("--validate", action="store_true", help="report on the late-2023 validation projects")
    ap.add_argument("--tasks", default=",".join(ltr_model.TASKS))
    ap.add_argument("--out", default=str(ROOT / "docs" / "evaluation.md"))
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--quick", action="store_true", help="tiny tuning grids (tests)")
    ap.add_argument("--params", type=int, nargs="+", default=None,
                    help="only these entries (by position) of the rankers' LightGBM grid (quicker retraining)")
    args = ap.parse_args(argv)
    tuning.QUICK = args.quick  # tiny tuning grids
    tuning.PARAM_CHOICE = args.params
    tasks = [t for t in args.tasks.split(",") if t]
    if args.deploy and args.validate:
        ap.error("--deploy refits on 2024, which --validate does not load")
    started = time.perf_counter()
    data = Path(args.data)
    suffix = f"-limit{args.limit}" if args.limit else ""
    keys = {"projection": _code_key(data, *PROJECTION_CODE),
            "baselines": _code_key(data, *BASELINE_CODE) + suffix,
            "ranker": _code_key(data, *RANKER_CODE) + suffix}
    records = read_cordis(data)
    log(f"read CORDIS ({time.perf_counter() - started:.1f}s)")

    p23 = load_period(records, 2023, keys, args.limit)
    tuned = cached("tuned-baselines", keys["baselines"], lambda: tune_baselines(p23, args.workers))
    log("baselines tuned on 2023")
    if args.train or args.validate or any(not EVALUATED[t].exists() for t in tasks):
        models, selection = cached("models", keys["ranker"] + "-" + "-".join(tasks),
                                   lambda: train_models(p23, keys, args.workers, tasks))
        if args.validate:
            models = selection
        if args.save_model and not args.validate:
            for task, text in models.items():
                EVALUATED[task].parent.mkdir(parents=True, exist_ok=True)
                EVALUATED[task].write_text(text + "\n", encoding="utf-8")
                log(f"saved {EVALUATED[task]}")
    else:
        models = {t: EVALUATED[t].read_text(encoding="utf-8") for t in tasks}
    # The training rows of 2023 for --deploy, before the 2023 projection is dropped.
    refit_rows = {t: [year_rows(p23, keys, t, args.workers)] for t in tasks} if args.deploy else {}

    if args.validate:
        period = p23
        positions = [i for i, c in enumerate(p23.cases) if c.signed >= VALIDATION_FROM]
        title = f"projects signed {VALIDATION_FROM[:7]}–2023-12 (validation; profiles up to {p23.until})"
    else:
        del p23
        period = load_period(records, 2024, keys, args.limit)
        positions = None
        title = f"projects signed in 2024 (profiles up to {period.until})"
    summaries, tables = {}, []
    for task in tasks:
        t = time.perf_counter()
        methods = baseline_methods(period, tuned, task) + [KimRanker(dict(models))]
        rows = run_task(period, methods, task, positions, workers=args.workers)
        names = [m.name for m in methods]
        summaries[task] = summarise(period, rows, names, task, n_boot=args.boot)
        tables.append(task_tables(task, summaries[task], names, period))
        log(f"task {task}: {len(rows)} queries in {time.perf_counter() - t:.0f}s")
        for m in methods:
            if isinstance(m, BasketModel):
                m.model = None

    check = []
    if args.deploy:
        for task in tasks:
            refit_rows[task] += half_rows(period, keys, task, args.workers)
        check = deployment_check(period, tuned, models, refit_rows, args, tasks)
        shipped = deployment_models(models, refit_rows, "2023 and 2024")
        for task, text in shipped.items():
            path = Path(args.model_dir) / ltr_model.MODEL_FILES[task].name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
            log(f"shipped {path}")
    shipped_files = {t: Path(args.model_dir) / ltr_model.MODEL_FILES[t].name for t in tasks}
    shipped_lines = model_lines({t: p.read_text(encoding="utf-8") for t, p in shipped_files.items() if p.exists()})

    pool = int(period.pool.sum())
    report = "\n\n".join([
        f"### Partner recommendation on CORDIS: {title}",
        "Generated by `scripts/evaluate.py`" + (f" on a sample (--limit {args.limit})" if args.limit else "") +
        ". Candidates are all " + f"{pool:,} organisations with a project signed up to {period.until}; members on "
        "board are never candidates. Projects with at least three coordinator/participant organisations; "
        "a member counts as hidden only when it has earlier projects. Baselines are tuned on 2023 queries "
        "(profiles up to 2022) and so is the KI.M ranker (trained on 2023, selected on its last quarter); "
        "nothing is tuned on the year reported. Intervals: 95 % bootstrap over projects (1,000 resamples).",
        "**Targets (issue 11)**\n\n" + "\n".join(target_lines(summaries)),
        *tables,
        "#### Baselines as tuned on 2023\n\n'participations' says which participations build the "
        "project × organisation matrix M (all roles, or coordinators and participants only); each baseline "
        "uses whichever was better on 2023.\n\n" + "\n".join(tuned_lines(tuned)),
        "#### KI.M ranker models\n\nThe models evaluated above (`scripts/offline_eval/rankers/`):\n\n"
        + "\n".join(model_lines(models)),
        "What the platform ships (`kim_network/matching/ranker_*.json`, `--deploy`): the same recipes, "
        "refitted on the consortia of 2023 and 2024, so that 2025 is served by a model that has seen the "
        "latest year. They are not evaluated here, since they have seen 2024.\n\n" + "\n".join(shipped_lines),
        *check,
        f"Full run: {time.perf_counter() - started:.0f}s with {args.workers} worker(s).",
    ])
    print(report)
    if args.out and not args.limit and not args.validate and set(tasks) == set(ltr_model.TASKS):
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(report + "\n", encoding="utf-8")
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
