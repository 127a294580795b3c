"""The batch partner command: JSON Lines in, rankings out, bad lines reported and skipped."""
import io
import json

import pytest

from kim_network.importers.cordis import read_cordis
from kim_network.matching import batch
from kim_network.matching.projection_build import projection_from_records

from .cordis_fixture import write


@pytest.fixture(scope="module")
def cordis(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("cordis"))
    records = read_cordis(folder)
    return folder, records, projection_from_records(records, text_dims=8)


def run(proj, lines):
    out, warnings = io.StringIO(), []
    counts = batch.run(proj, [json.dumps(x) if not isinstance(x, str) else x for x in lines], out, warn=warnings.append)
    return [json.loads(line) for line in out.getvalue().splitlines()], warnings, counts


def test_rankings_respect_k_and_never_return_given_partners(cordis):
    _, _, proj = cordis
    query = {"id": "q1", "title": "Speech recognition for subtitles", "keywords": "subtitles, broadcast",
             "objective": "Automatic subtitles for broadcast news.", "topic": "HORIZON-CL4-2024-HUMAN-01-05",
             "topic_title": "Speech recognition", "euroscivoc": ["speech recognition"],
             "partners": ["900000000", "900000003"], "k": 4}
    rows, warnings, counts = run(proj, [query])
    assert counts == {"answered": 1, "failed": 0} and not warnings
    ranking = rows[0]["ranking"]
    assert rows[0]["id"] == "q1" and 1 <= len(ranking) <= 4
    ids = [r["id"] for r in ranking]
    assert not {"900000000", "900000003"} & set(ids)
    assert all(isinstance(r["score"], float) and r["reasons"] for r in ranking)
    # The speech community (organisations 0, 3, 6, ...) is the one that did such projects.
    assert int(ids[0]) % 3 == 0


def test_unknown_partners_are_ignored_with_a_warning_and_bad_lines_do_not_stop_the_run(cordis):
    _, _, proj = cordis
    lines = [
        {"id": "ok", "title": "battery recycling", "partners": ["999", "900000002"], "k": 3},
        {"id": "empty", "title": "", "keywords": "", "objective": "", "partners": [], "k": 5},
        "{not json",
        {"id": "bad-k", "title": "batteries", "k": 0},
        {"id": "last", "keywords": "fact checking", "k": 2},
    ]
    rows, warnings, counts = run(proj, lines)
    assert [r.get("id") for r in rows] == ["ok", "empty", None, "bad-k", "last"]
    assert rows[0]["ranking"] and "900000002" not in [r["id"] for r in rows[0]["ranking"]]
    assert any("999" in w and "ignored" in w for w in warnings)
    assert "empty query" in rows[1]["error"]
    assert "not valid JSON" in rows[2]["error"]
    assert "k must be" in rows[3]["error"]
    assert len(rows[4]["ranking"]) == 2
    assert counts == {"answered": 2, "failed": 3}


def test_cli_command_on_the_configured_store(cordis, tmp_path):
    from kim_network import create_app
    from kim_network.extensions import store_for

    folder, records, _ = cordis
    app = create_app({"TESTING": True, "KIM_DEMO": True, "SQLITE_PATH": str(tmp_path / "kim.sqlite3"),
                      "SME_BOOST": 0.0, "NEWCOMER_BOOST": 0.0})
    store = store_for(app)
    store.migrate()
    for label, rows in records.nodes.items():
        store.upsert_nodes(label, rows)
    for rel, rows in records.edges.items():
        store.upsert_edges(rel, rows)
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "a", "title": "fact checking disinformation", "partners": ["900000001", "x-unknown"],
                                   "k": 3}) + "\n" + json.dumps({"id": "b"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = app.test_cli_runner().invoke(args=["kim", "partners", str(queries), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "a" and 1 <= len(rows[0]["ranking"]) <= 3
    assert "900000001" not in [r["id"] for r in rows[0]["ranking"]]
    assert rows[1] == {"id": "b", "error": rows[1]["error"]} and "empty query" in rows[1]["error"]
    assert "x-unknown" in result.output and "1 queries answered, 1 failed" in result.output


def test_batch_ranks_exactly_as_the_evaluation_measures(cordis):
    """`kim partners` and scripts/evaluate.py share one ranking function (no boosts, no re-ordering)."""
    import numpy as np

    from kim_network.matching import learn, ltr

    _, records, proj = cordis
    for partners in (["900000000", "900000003"], ["900000003"], []):
        fields = {"title": "Speech recognition for subtitles", "keywords": "subtitles, broadcast",
                  "objective": "Automatic subtitles for broadcast news.", "topic": "HORIZON-CL4-2024-HUMAN-01-05",
                  "topic_title": "Speech recognition", "euroscivoc": ["speech recognition"]}
        if partners == ["900000003"]:
            fields = {}  # partners only: the organisation-only model
        rows, _, _ = run(proj, [{"id": "q", **fields, "partners": partners, "k": 5}])
        seeds = [proj.actor_index[p] for p in partners]
        query, _ = ltr.project_query(proj, fields, seeds)
        ranked = ltr.score(proj, query, learn.candidate_pool(proj))
        order = np.argsort(-ranked.scores, kind="stable")
        expected = [proj.actor_ids[i] for i in order if np.isfinite(ranked.scores[i])][:5]
        assert ranked.task == ("partners" if len(partners) == 2 else "organisation" if partners else "idea")
        assert [r["id"] for r in rows[0]["ranking"]] == expected
