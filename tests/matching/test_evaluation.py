"""The offline evaluation script on a tiny fictional CORDIS folder: it runs end to end and reports."""
import importlib.util
from pathlib import Path

import numpy as np

from kim_network.importers.cordis import read_cordis
from kim_network.matching import learn
from kim_network.matching.projection import projection_from_records

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


def test_metrics_and_rank_of():
    scores = np.array([0.9, 0.5, 0.7, 0.1])
    pool = np.array([True, True, True, False])
    assert learn.rank_of(scores, 1, pool, exclude=[0]) == 2  # 0 is a visible partner, 3 not in the pool
    m = learn.Metrics([1, 11, 51])
    s = m.summary()
    assert s["hits10"] == 1 / 3 and s["hits50"] == 2 / 3


def test_evaluate_script_reports_all_methods(tmp_path):
    folder = write(tmp_path / "cordis", n_orgs=45, n_projects=90)
    spec = importlib.util.spec_from_file_location("evaluate_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "evaluation.md"
    assert module.main(["--data", str(folder), "--out", str(out), "--workers", "1", "--train-limit", "40"]) == 0
    text = out.read_text(encoding="utf-8")
    for method in module.METHODS:
        assert f"| {method} |" in text
    assert "Bavaria" in text and "Hits@10" in text
