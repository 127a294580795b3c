"""The batch partner command: JSON Lines in, rankings out, bad lines reported and skipped."""
import io
import json

import pytest

from kim_network.core.model import Label, Rel
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
    result = app.test_cli_runner().invoke(args=["kim", "partners", str(queries), "--out", str(out), "--timings"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "a" and 1 <= len(rows[0]["ranking"]) <= 3
    assert "900000001" not in [r["id"] for r in rows[0]["ranking"]]
    assert rows[1] == {"id": "b", "error": rows[1]["error"]} and "empty query" in rows[1]["error"]
    assert "x-unknown" in result.output and "1 queries answered, 1 failed" in result.output
    assert "timings: projection " in result.output and " s, ranking and writing " in result.output


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


def _hidden_partner_lines(records, n: int = 24) -> list[dict]:
    """Queries as `scripts/bench_matching.py` makes them: each member of a project hidden once."""
    members: dict[str, list[str]] = {}
    for e in records.edges[Rel.PARTICIPATED_IN]:
        members.setdefault(e["target"], []).append(e["source"])
    lines = []
    for p in sorted(records.nodes[Label.PROJECT], key=lambda p: p["id"]):
        for hidden in members.get(p["id"], [])[:3]:
            line = {k: p[k] for k in ("title", "keywords", "objective", "topic", "topic_title") if p.get(k)}
            lines.append({"id": f"{p['id']}:{hidden}", **line, "k": 4,
                          "partners": [m for m in members[p["id"]] if m != hidden]})
    lines.append({"id": "text only", "title": "fact checking disinformation", "k": 3})
    lines.append({"id": "partners only", "partners": ["900000003"], "k": 3})
    return lines[-n:]


def test_chunked_batch_writes_byte_for_byte_what_each_query_alone_gets(cordis, monkeypatch):
    """The shortcuts of `kim partners` (chunks sharing products, no signals or strength for the
    output) change no byte: the same as each query ranked alone by `partners_for_project`."""
    _, records, proj = cordis
    lines = [json.dumps(q) for q in _hidden_partner_lines(records)]
    assert len(lines) > 10
    chunked = io.StringIO()
    monkeypatch.setattr(batch, "CHUNK", 8)
    batch.run(proj, lines, chunked)
    monkeypatch.setattr(batch, "CHUNK", 1)
    alone = io.StringIO()
    batch.run(proj, lines, alone)
    single = "".join(json.dumps(batch.answer(proj, json.loads(line))[0], ensure_ascii=False) + "\n" for line in lines)
    assert chunked.getvalue() == alone.getvalue() == single
    assert all(row["ranking"] and row["ranking"][0]["reasons"] for row in map(json.loads, single.splitlines()))
