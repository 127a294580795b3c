"""The report's Markdown: a task's tables, the targets, the tuned baselines and the models."""
from __future__ import annotations

import json

from .periods import OURS, SLICE_NAMES, SLICES, TASK_NAMES, Period
from .runs import ratio_ci


def _fmt(v: float) -> str:
    return f"{v:.3f}"


def _ci(entry: dict, metric: str) -> str:
    if metric + "_ci" not in entry:
        return _fmt(entry[metric])
    lo, hi = entry[metric + "_ci"]
    return f"{entry[metric]:.3f} [{lo:.3f}, {hi:.3f}]"


# The columns of a task's overall table: (header, metric). Task (b) is scored on the set of
# suggestions, the others by the rank of the hidden organisation.
COLUMNS = {
    "organisation": (("recall@10", "recall10"), ("hit@10", "hit10"), ("recall@50", "recall50"), ("MRR", "rr"),
                     ("nDCG@10", "ndcg10")),
    "ranked": (("Hits@10", "hits10"), ("Hits@50", "hits50"), ("MRR", "mrr"), ("nDCG@10", "ndcg10")),
}


def task_tables(task: str, summary: dict, methods: list[str], period: Period) -> str:
    lines = []
    allq = summary["all"]
    lines.append(f"#### Task {TASK_NAMES[task]}")
    lines.append("")
    if task == "organisation":
        lines.append(f"Queries: {allq['n']} coordinators of {allq['projects']} projects. Recall@10 with a 95 % "
                     "bootstrap interval over projects.")
        metric, label = "recall10", "recall@10"
    else:
        lines.append(f"Queries: {allq['n']} hidden organisations in {allq['projects']} projects. Hits@10 and MRR "
                     "with 95 % bootstrap intervals over projects.")
        metric, label = "hits10", "Hits@10"
    columns = COLUMNS["organisation" if task == "organisation" else "ranked"]
    lines.append("")
    lines += ["| method | " + " | ".join(name for name, _ in columns) + " |", "| --- |" + " ---: |" * len(columns)]
    for m in methods:  # a metric with an interval (the headline ones) is shown with it
        e = allq["methods"][m]
        lines.append(f"| {m} | " + " | ".join(_ci(e, key) for _, key in columns) + " |")
    lines.append("")
    sl = [s for s in SLICES if s != "all"]
    head = " | ".join(f"{SLICE_NAMES[s]} (n={summary[s]['n']})" for s in sl)
    second = "MRR" if task != "organisation" else "hit@10"
    second_key = "mrr" if task != "organisation" else "hit10"
    lines.append(f"By slice, {label} / {second}:")
    lines.append("")
    lines += [f"| method | {head} |", "| --- |" + " ---: |" * len(sl)]
    for m in methods:
        cells = []
        for s in sl:
            e = summary[s]["methods"].get(m)
            cells.append(f"{e[metric]:.3f} / {e[second_key]:.3f}" if e else "–")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_lines(summaries: dict) -> list[str]:
    out = []
    a = summaries.get("partners")
    if a:
        methods = list(a["all"]["methods"])
        r, lo, hi = ratio_ci(a, "all", "hits10", OURS, "hybrid (standard)")
        out.append(f"- Task (a), Hits@10 overall: KI.M ranker / hybrid (standard) = **{r:.2f}×** [{lo:.2f}, {hi:.2f}] "
                   f"(target ≥ 1.4×): {'met' if r >= 1.395 else 'NOT met'}.")
        for metric, label in (("hits10", "Hits@10"), ("mrr", "MRR")):
            bav = a["bavaria"]["methods"]
            base = max((m for m in methods if m != OURS), key=lambda m: bav[m][metric])
            ours, theirs = bav[OURS][metric], bav[base][metric]
            r, lo, hi = ratio_ci(a, "bavaria", metric, OURS, base)
            out.append(f"- Task (a), Bavaria {label}: KI.M ranker {ours:.3f} vs best baseline ({base}) {theirs:.3f}, "
                       f"ratio {r:.2f} [{lo:.2f}, {hi:.2f}] (target ≥ 1): {'met' if round(ours, 3) >= round(theirs, 3) else 'NOT met'}.")
    b = summaries.get("organisation")
    if b:
        methods = list(b["all"]["methods"])
        allm = b["all"]["methods"]
        base = max((m for m in methods if m != OURS), key=lambda m: allm[m]["recall10"])
        r, lo, hi = ratio_ci(b, "all", "recall10", OURS, base)
        out.append(f"- Task (b), recall@10: KI.M ranker {allm[OURS]['recall10']:.3f} vs best baseline ({base}) "
                   f"{allm[base]['recall10']:.3f} = **{r:.2f}×** [{lo:.2f}, {hi:.2f}] (target ≥ 1.3×): "
                   f"{'met' if r >= 1.295 else 'NOT met'}.")
    c = summaries.get("idea")
    if c:
        allm = c["all"]["methods"]
        r, lo, hi = ratio_ci(c, "all", "hits10", OURS, "hybrid (standard)")
        out.append(f"- Task (c), Hits@10: KI.M ranker / hybrid (standard) = {r:.2f}× [{lo:.2f}, {hi:.2f}] (no target).")
    return out


def tuned_lines(tuned: dict) -> list[str]:
    out = []
    for key, cfg in sorted(tuned["best"].items()):
        name, task = key.split("|")
        params = ", ".join(f"{k}={v}" for k, v in cfg["params"].items())
        out.append(f"| {name} | {task} | {cfg['variant']} | {params or '–'} | {cfg['value']:.4f} |")
    return ["| baseline | task | participations | parameters | 2023 value |", "| --- | --- | --- | --- | ---: |"] + out


def model_lines(models: dict) -> list[str]:
    out = ["| task | features | trees | popularity prior | hybrid blend | selected with | trained on |",
           "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for task, text in models.items():
        data = json.loads(text)  # not loaded into LightGBM here: this process forks workers later
        meta, p = data.get("meta", {}), data.get("meta", {}).get("params", {})
        out.append(f"| {task} | {len(data['features'])} | {meta.get('trees', '?')} | {meta.get('prior_weight', 0):g} | "
                   f"{meta.get('blend_weight', 0):g} | "
                   f"num_leaves={p.get('num_leaves')}, "
                   f"min_data_in_leaf={p.get('min_data_in_leaf')}, monotone="
                   f"{'yes' if p.get('monotone_constraints_method') else 'no'}; {meta.get('selected_on', '')} | "
                   f"{meta.get('trained_on', '')} |")
    return out
