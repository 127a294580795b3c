"""The offline evaluation on a tiny fictional CORDIS folder: it runs end to end and reports."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from kim_network.importers.cordis import read_cordis
from kim_network.matching import learn, ltr_model
from kim_network.matching.projection_build import projection_from_records

from .cordis_fixture import write

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "evaluate.py"


def test_time_split_hides_only_members_with_earlier_history(tmp_path):
    records = read_cordis(write(tmp_path / "cordis"))
    proj = projection_from_records(records, until="2023-12-31", text_dims=8)
    assert all(d <= "2023-12-31" for d in proj.project_date)
    cases = learn.project_cases(records, proj, "2024-01-01", "2024-12-31")
    assert cases
    for case in cases:
        assert len(case.members) >= 3
        assert all(proj.n_projects[h] > 0 for h in case.hidden)
        assert case.coordinator is None or case.coordinator in case.hidden
        assert case.fields["title"] and case.fields["euroscivoc"]  # what `kim partners` gets


def test_task_queries_never_give_away_the_gold(tmp_path):
    records = read_cordis(write(tmp_path / "cordis"))
    proj = projection_from_records(records, until="2023-12-31", text_dims=8)
    case = next(c for c in learn.project_cases(records, proj, "2024-01-01", "2024-12-31") if c.coordinator is not None)
    for seeds, gold, hidden in learn.task_queries(proj, case, "partners"):
        assert gold == [hidden] and hidden not in seeds and set(seeds) | {hidden} == set(case.members)
    (seeds, gold, _), = learn.task_queries(proj, case, "organisation")
    assert seeds == [case.coordinator] and case.coordinator not in gold
    assert set(gold) == set(case.hidden) - {case.coordinator}
    (seeds, gold, _), = learn.task_queries(proj, case, "idea")
    assert seeds == [] and set(gold) == set(case.hidden)
    assert learn.task_query(case.query, "organisation", [1]).text == ""  # no text in task (b)


def test_metrics_rank_of_and_bootstrap():
    scores = np.array([0.9, 0.5, 0.7, 0.1])
    pool = np.array([True, True, True, False])
    assert learn.rank_of(scores, 1, pool, exclude=[0]) == 2  # 0 is a visible partner, 3 not in the pool
    m = learn.Metrics([1, 11, 51])
    s = m.summary()
    assert s["hits10"] == 1 / 3 and s["hits50"] == 2 / 3
    assert learn.set_metrics([4, 2, 9], [2, 8])["recall10"] == 0.5
    boots = learn.bootstrap_means(np.array([[1.0, 0.0]] * 5 + [[0.0, 0.0]] * 5), np.arange(10), n_boot=300)
    assert boots.shape == (300, 2) and np.all(boots[:, 1] == 0) and 0.2 < boots[:, 0].mean() < 0.8


def test_evaluate_script_reports_three_tasks_against_the_standard_baselines(tmp_path, monkeypatch):
    folder = write(tmp_path / "cordis", n_orgs=45, n_projects=90)
    monkeypatch.setenv("KIM_EVAL_CACHE", str(tmp_path / "cache"))
    spec = importlib.util.spec_from_file_location("evaluate_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "evaluate_script", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    out = tmp_path / "evaluation.md"
    shipped = tmp_path / "shipped"
    package = {f: f.read_bytes() for f in ltr_model.MODEL_FILES.values()}
    # In a process of its own, as it is run: the script forks workers, and a fork of this test
    # process (which other tests left with OpenMP and cache threads) can hang.
    done = subprocess.run([sys.executable, str(SCRIPT), "--data", str(folder), "--out", str(out), "--workers", "1",
                           "--quick", "--train", "--boot", "50", "--deploy", "--model-dir", str(shipped)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "KIM_EVAL_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    assert {f: f.read_bytes() for f in ltr_model.MODEL_FILES.values()} == package  # --model-dir was obeyed
    for task in ltr_model.TASKS:  # the shipped models: the evaluated recipe, refitted on 2023 and 2024
        meta = json.loads((shipped / f"ranker_{task}.json").read_text(encoding="utf-8"))["meta"]
        assert meta["trained_on"].startswith("CORDIS projects signed in 2023 and 2024")
        assert meta["recipe_of"].startswith("CORDIS projects signed in 2023 (")
        evaluated = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {task} |")]
        assert len(evaluated) == 2 and meta["trained_on"] in evaluated[1] and meta["trained_on"] not in evaluated[0]
        cells = [[c.strip() for c in line.split("|")] for line in evaluated]
        # the same features, popularity prior, blend weight and parameters chosen on 2023
        assert [cells[0][i] for i in (2, 4, 5, 6)] == [cells[1][i] for i in (2, 4, 5, 6)]
    text = out.read_text(encoding="utf-8")
    for title in module.TASK_NAMES.values():
        assert title in text
    for method in ("popularity", "text (TF-IDF)", "graph (Adamic–Adar)", "hybrid (standard)", "EASE", "P3α", "RP3β",
                   "KI.M ranker"):
        assert f"| {method} |" in text
    assert "Bavaria" in text and "SMEs" in text and "newcomers" in text and "media/ICT" in text
    assert "Task (a), Hits@10 overall" in text and "Task (b), recall@10" in text
    assert "tuned on 2023" in text and " [" in text  # bootstrap intervals
    assert list((tmp_path / "cache").glob("tuned-baselines-*.pkl"))  # the cache went where it was told
