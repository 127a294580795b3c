"""`kim import-cordis`: a fictional CORDIS folder into both stores, idempotent, resumable."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kim_network.importers.cordis import CordisFormatError, default_dir
from kim_network.importers.records import graph_counts, import_cordis
from kim_network.core.model import Label, Rel
from kim_network.core.taxonomy import broader_rows, skill_rows
from tests.fixtures.cordis_folder import write_cordis_folder

CURATED = len(skill_rows())


@pytest.fixture
def cordis_dir(tmp_path):
    return write_cordis_folder(tmp_path / "cordis")


def test_import_writes_organisations_projects_roles_regions_and_skills(store, cordis_dir):
    result = import_cordis(store, cordis_dir)

    assert store.count_nodes(Label.ORGANIZATION) == 5
    assert store.count_nodes(Label.PROJECT) == 3
    # Organisations keep their CORDIS id; kinds come from the activity type.
    org = store.get_node(Label.ORGANIZATION, "990000001")
    assert org["name"] == "Isarwelle Medien GmbH" and org["kind"] == "company" and org["sme"] is True
    assert org["region"] == "DE21" and org["lat"] == pytest.approx(48.137)
    assert store.get_node(Label.ORGANIZATION, "990000002")["kind"] == "university"

    # One PARTICIPATED_IN per organisation and project; the stronger of two roles wins.
    assert store.count_edges(Rel.PARTICIPATED_IN) == 7
    roles = {(e.source, e.props["role"]) for e in store.edges(Label.PROJECT, "900000001", Rel.PARTICIPATED_IN, "in")}
    assert roles == {("990000001", "coordinator"), ("990000002", "participant"), ("990000003", "participant")}

    # NUTS regions form a chain up to the country; organisations sit in their NUTS-3 region.
    located = store.edges(Label.ORGANIZATION, "990000003", Rel.LOCATED_IN)
    assert [e.target for e in located] == ["DE254"]
    assert [e.target for e in store.edges(Label.REGION, "DE254", Rel.PART_OF)] == ["DE25"]
    assert store.get_node(Label.REGION, "DE2")["name"] == "Bayern"
    assert store.count_nodes(Label.REGION) == 15  # DE,DE2,DE21,DE212,DE23,DE232,DE25,DE254,DE6,DE60,DE600,IT,ITH,ITH3,ITH35

    # The curated taxonomy is seeded; keywords and euroSciVoc terms hang into it.
    assert store.get_node(Label.SKILL, "asr")["label_de"] == "Spracherkennung"
    required = {e.target for e in store.edges(Label.PROJECT, "900000001", Rel.REQUIRES)}
    assert {"asr", "archive-metadata", "esv-94"} <= required
    assert "kw-media-archives" not in {n["id"] for _, n in store.export_nodes([Label.SKILL])}
    broader = {e.target for e in store.edges(Label.SKILL, "esv-94", Rel.BROADER)}
    assert broader == {"esv-93", "asr"}  # its euroSciVoc parent and the curated skill it matches
    assert store.count_nodes(Label.SKILL) == CURATED + 4  # esv-91..94

    assert result.after["Organization"] == 5 and result.before["Organization"] == 0
    assert [p.name for p in result.write.phases][:2] == ["Region", "Skill"]


def test_each_topic_becomes_a_call_with_its_rules_and_skills(store, cordis_dir):
    import_cordis(store, cordis_dir)
    ria = store.get_node(Label.CALL, "HORIZON-CL4-2022-HUMAN-99")
    assert ria["title"] == "Fictional topic: language technologies for media"
    assert ria["type_of_action"] == "RIA" and ria["funding_scheme"] == "HORIZON-RIA"
    assert ria["min_partners"] == 3 and ria["projects_funded"] == 2 and ria["source"] == "cordis"
    assert ria["master_call"] == "HORIZON-CL4-2022-HUMAN" and ria["programme"] == "Digital, Industry and Space"
    assert "DIALEKTA" in ria["description_en"] and "FAKTENFUCHS" in ria["description_en"]
    # The skills its funded projects needed (half of them or more).
    required = {e.target: e.props["weight"] for e in store.edges(Label.CALL, ria["id"], Rel.REQUIRES)}
    assert {"asr", "archive-metadata"} <= set(required) and required["archive-metadata"] == 1.0
    csa = store.get_node(Label.CALL, "HORIZON-CL2-2024-DEMOCRACY-99-01")
    assert csa["type_of_action"] == "CSA" and csa["min_partners"] == 1


def test_reimport_changes_no_count(store, cordis_dir):
    import_cordis(store, cordis_dir)
    first = graph_counts(store)
    second = import_cordis(store, cordis_dir)
    assert second.before == first
    assert graph_counts(store) == first


def test_interrupted_import_is_completed_by_running_it_again(store, cordis_dir):
    class Killed(Exception):
        pass

    def kill_after_organisations(phase, done, total):
        if phase == "Organization":
            raise Killed

    with pytest.raises(Killed):
        import_cordis(store, cordis_dir, progress=kill_after_organisations)
    # Whole batches only, nodes before edges: nothing dangles.
    assert store.count_nodes(Label.ORGANIZATION) == 5
    assert store.count_nodes(Label.PROJECT) == 0
    assert store.count_edges() == len(broader_rows())  # only the seeded taxonomy's

    import_cordis(store, cordis_dir)
    resumed = graph_counts(store)
    store.clear()
    import_cordis(store, cordis_dir)
    fresh_counts = graph_counts(store)
    assert resumed == fresh_counts


def test_folder_that_is_not_cordis_raises_and_writes_nothing(store, tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(CordisFormatError, match="organizations.csv.gz"):
        import_cordis(store, tmp_path)
    assert store.count_nodes(Label.SKILL) == 0


def test_cli_import_cordis_prints_summary_and_is_idempotent(runner, store, cordis_dir):
    result = runner.invoke(args=["kim", "import-cordis", str(cordis_dir)])
    assert result.exit_code == 0, result.output
    assert "Organization" in result.output and "0 ->         5 (+5)" in result.output
    again = runner.invoke(args=["kim", "import-cordis", str(cordis_dir)])
    assert again.exit_code == 0
    assert "5 ->         5\n" in again.output and "(+" not in again.output


def test_cli_import_cordis_rejects_other_folders_without_traceback(runner, store, tmp_path):
    (tmp_path / "organizations.csv.gz").write_bytes(b"not gzip at all")
    result = runner.invoke(args=["kim", "import-cordis", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert store.count_nodes(Label.ORGANIZATION) == 0

    missing = runner.invoke(args=["kim", "import-cordis", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "is not a folder" in missing.output


def _fresh_checkout_env(data_dir: Path) -> dict:
    """The environment of a newcomer: no SECRET_KEY, no demo mode, no Neo4j, no .env."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "KIM_DEMO", "NEO4J_URI")}
    env.update(KIM_DATA_DIR=str(data_dir), FLASK_SKIP_DOTENV="1")
    return env


def test_first_import_needs_neither_a_secret_nor_a_separate_migrate(tmp_path, cordis_dir):
    root = Path(__file__).resolve().parents[2]
    env = _fresh_checkout_env(tmp_path / "data")
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "kim", "import-cordis", str(cordis_dir)],
                         cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "applied migration 0001_nodes_edges" in run.stderr and "SECRET_KEY" not in run.stderr
    assert "0 ->         5 (+5)" in run.stdout
    # Serving still refuses to start without the secret.
    serve = subprocess.run([sys.executable, "-c", "import app"], cwd=root, env=env, capture_output=True,
                           text=True, timeout=120)
    assert serve.returncode != 0 and "SECRET_KEY is not set" in serve.stderr


@pytest.mark.slow
@pytest.mark.skipif(not (default_dir() / "organizations.csv.gz").exists(), reason="CORDIS folder not present")
def test_real_cordis_folder_into_sqlite(tmp_path):
    from kim_network.store.sqlite import SQLiteStore

    store = SQLiteStore(str(tmp_path / "cordis.sqlite3"))
    store.migrate()
    try:
        import_cordis(store, default_dir())
        assert store.count_nodes(Label.ORGANIZATION) == 27_731
        assert store.count_nodes(Label.PROJECT) == 15_186
        assert store.count_edges(Rel.PARTICIPATED_IN) > 100_000
    finally:
        store.close()


_TIED_CALL = """
from kim_network.importers.cordis import _calls
projects = [{"id": f"p{i}", "topic": "HORIZON-CL4-2024-01"} for i in range(3)]
requires = [{"source": f"p{i}", "target": f"skill-{k:02d}"} for i in range(3) for k in range(14)]
_, edges = _calls(projects, requires, [])
print(",".join(e["target"] for e in edges))
"""


def test_a_calls_skills_tied_in_use_are_chosen_by_id_in_every_process():
    """Fourteen skills used by every project of a call: the ten kept are the same in every
    process (not the hash order of the process that imported), the first ten by id."""
    seen = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", _TIED_CALL], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).resolve().parents[2])
        seen.add(out.stdout.strip())
    assert seen == {",".join(f"skill-{k:02d}" for k in range(10))}
