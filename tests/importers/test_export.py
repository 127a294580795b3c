"""`kim export`: lossless JSON across store kinds, GraphML for Gephi, visibility filtering."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kim_network.importers.export import (
    export_graph,
    import_export,
    write_graphml,
    write_json,
)
from kim_network.importers.members import import_member_file
from kim_network.importers.records import graph_counts, import_cordis
from kim_network.core.model import Label
from kim_network.store.sqlite import SQLiteStore
from kim_network.core.visibility import ANONYMOUS, STAFF, Viewer
from tests.fixtures.cordis_folder import write_cordis_folder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "members"
G = "{http://graphml.graphdrawing.org/xmlns}"


def _populate(store, tmp_path):
    import_cordis(store, write_cordis_folder(tmp_path / "cordis"))
    for name in ("organizations.csv", "people.json", "skills.csv", "needs.csv", "offers.csv", "members.json"):
        assert import_member_file(FIXTURES / name, store).written
    store.create_node(Label.ACCOUNT, {"id": "acc-1", "email": "anna.huber@lechfeld.example",
                                      "password_hash": "x" * 20, "role": "member", "approved": True})
    store.create_node(Label.CALL, {"id": "call-1", "title": "KI für Lokalmedien 2026", "min_partners": 3,
                                   "required_kinds": ["media_company", "university"]})


def _json(document) -> str:
    out = io.StringIO()
    write_json(document, out)
    return out.getvalue()


def _fresh_sqlite(path) -> SQLiteStore:
    s = SQLiteStore(str(path))
    s.migrate()
    return s


def test_json_round_trip_into_a_fresh_sqlite_store(store, tmp_path):
    _populate(store, tmp_path)
    document = export_graph(store, include_platform_records=True)
    text = _json(document)
    assert json.loads(text) == document  # the line-per-item writer writes plain JSON

    other = _fresh_sqlite(tmp_path / "other.sqlite3")
    try:
        result = import_export(json.loads(text), other)
        assert result.written and not result.errors
        assert export_graph(other, include_platform_records=True) == document
        assert graph_counts(other) == graph_counts(store)
    finally:
        other.close()


@pytest.mark.neo4j
def test_json_round_trip_sqlite_to_neo4j_and_back(tmp_path, neo4j_session_store):
    source = _fresh_sqlite(tmp_path / "source.sqlite3")
    neo = neo4j_session_store
    neo.clear()
    try:
        _populate(source, tmp_path)
        document = json.loads(_json(export_graph(source, include_platform_records=True)))
        assert import_export(document, neo).written
        again = json.loads(_json(export_graph(neo, include_platform_records=True)))
        assert again == document
        calls = {n["id"]: n for n in again["nodes"] if n["label"] == "Call"}
        assert calls["call-1"]["props"]["required_kinds"] == ["media_company", "university"]
    finally:
        source.close()
        neo.clear()


def test_platform_records_only_on_request(store, tmp_path):
    _populate(store, tmp_path)
    labels = {n["label"] for n in export_graph(store)["nodes"]}
    assert "Account" not in labels and "Organization" in labels
    assert "Account" in {n["label"] for n in export_graph(store, include_platform_records=True)["nodes"]}
    # A viewer who is not staff never gets them, even when asked.
    member = Viewer(role="member", organization_id="alpenfunk")
    assert "Account" not in {n["label"] for n in export_graph(store, member, include_platform_records=True)["nodes"]}


def test_export_graph_filters_by_visibility_and_drops_hidden_edges(store, tmp_path):
    _populate(store, tmp_path)
    store.update_node(Label.ORGANIZATION, "alpenfunk", {"pending": True})

    def ids(document, label):
        return {n["id"] for n in document["nodes"] if n["label"] == label}

    public = export_graph(store, ANONYMOUS)
    orgs = ids(public, "Organization")
    assert "hs-medienlab" in orgs  # public
    assert "pixelwerk" not in orgs and "frankenlab" not in orgs  # members only
    assert "alpenfunk" not in orgs  # pending
    assert ids(public, "Person") == set()  # people default to members
    edge_ends = {(e["source_label"], e["source"]) for e in public["edges"]} | {
        (e["target_label"], e["target"]) for e in public["edges"]}
    assert ("Organization", "pixelwerk") not in edge_ends and ("Person", "p-huber") not in edge_ends
    assert not [e for e in public["edges"] if e["type"] == "OFFERS" and e["source"] == "pixelwerk"]
    # Contact fields are for members only.
    lab = next(n for n in public["nodes"] if n["id"] == "hs-medienlab")
    assert "contact_email" not in lab["props"]

    member = export_graph(store, Viewer(role="member", organization_id="alpenfunk"))
    assert {"pixelwerk", "frankenlab", "alpenfunk"} <= ids(member, "Organization")  # own pending profile too
    wagner = next(n for n in member["nodes"] if n["id"] == "p-wagner")
    assert wagner["props"]["email"] == "t.wagner@alpenfunk.example"  # email_visibility: members
    assert any(e["type"] == "OFFERS" and e["source"] == "pixelwerk" for e in member["edges"])

    assert export_graph(store, STAFF)["nodes"] == export_graph(store)["nodes"]


def test_graphml_parses_with_expected_nodes_and_edges(store, tmp_path):
    _populate(store, tmp_path)
    document = export_graph(store)
    out = io.BytesIO()
    write_graphml(document, out)
    root = ET.fromstring(out.getvalue())
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.iter(f"{G}key")}
    by_name = {(f, n): (i, t) for i, (f, n, t) in keys.items()}
    assert by_name[("node", "lat")][1] == "double" and by_name[("node", "sme")][1] == "boolean"
    graph = root.find(f"{G}graph")
    nodes = {n.get("id"): {keys[d.get("key")][1]: d.text for d in n.findall(f"{G}data")}
             for n in graph.findall(f"{G}node")}
    assert len(nodes) == len(document["nodes"])
    alpen = nodes["Organization:alpenfunk"]
    assert alpen["label"] == "Alpenfunk Medien GmbH" and alpen["node_label"] == "Organization"
    assert alpen["kind"] == "media_company" and alpen["sme"] == "true"
    assert alpen["description_de"] == "Lokalradio; Podcasts und Nachrichten"
    assert nodes["Skill:asr"]["label"] == "Spracherkennung"
    edges = [(e.get("source"), e.get("target"), {keys[d.get("key")][1]: d.text for d in e.findall(f"{G}data")})
             for e in graph.findall(f"{G}edge")]
    assert len(edges) == len(document["edges"])
    assert ("Organization:alpenfunk", "Skill:subtitling") in {(s, t) for s, t, a in edges if a["type"] == "NEEDS"}


def test_graphml_escapes_markup_and_control_characters():
    document = {"format": "kim-network-export", "version": 1, "nodes": [
        {"label": "Organization", "id": "o1", "props": {"name": "A & B <Medien> \"GmbH\"\x0b", "kind": "other"}},
    ], "edges": []}
    out = io.BytesIO()
    write_graphml(document, out)
    root = ET.fromstring(out.getvalue())
    texts = [d.text for d in root.iter(f"{G}data")]
    assert 'A & B <Medien> "GmbH"' in texts


def test_broken_export_writes_nothing(store):
    document = {"format": "kim-network-export", "version": 1,
                "nodes": [{"label": "Organization", "id": "o1", "props": {"name": "Gut", "kind": "company"}},
                          {"label": "Spaceship", "id": "s1", "props": {}}],
                "edges": [{"type": "OFFERS", "source_label": "Organization", "source": "o1",
                           "target_label": "Skill", "target": "missing-skill", "props": {}}]}
    before = (graph_counts(store), store.change_counter())
    result = import_export(document, store)
    assert not result.written
    assert result.errors == [
        "nodes[1]: label: unknown node label 'Spaceship'",
        "edges[0]: source: Skill missing-skill is neither in the file nor stored",
    ]
    assert (graph_counts(store), store.change_counter()) == before


# -- through the CLI ----------------------------------------------------------------------

def test_cli_export_and_reimport(runner, store, tmp_path):
    _populate(store, tmp_path)
    out = tmp_path / "export.json"
    result = runner.invoke(args=["kim", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "kim-network-export" and document["version"] == 1
    assert "Account" not in {n["label"] for n in document["nodes"]}

    store.clear()
    again = runner.invoke(args=["kim", "import", str(out)])
    assert again.exit_code == 0, again.output
    assert "imported the export" in again.output
    assert export_graph(store) == document


def test_cli_export_labels_graphml_and_stdout(runner, store, tmp_path):
    _populate(store, tmp_path)
    only = runner.invoke(args=["kim", "export", "--labels", "Organization,Skill"])
    assert only.exit_code == 0
    document = json.loads(only.output)
    assert {n["label"] for n in document["nodes"]} == {"Organization", "Skill"}
    assert {e["type"] for e in document["edges"]} <= {"OFFERS", "NEEDS", "HAS_SKILL", "BROADER"}

    out = tmp_path / "graph.graphml"
    graphml = runner.invoke(args=["kim", "export", "--format", "graphml", "--out", str(out)])
    assert graphml.exit_code == 0
    assert ET.parse(out).getroot().tag == f"{G}graphml"

    bad = runner.invoke(args=["kim", "export", "--labels", "Spaceship"])
    assert bad.exit_code == 2 and "unknown node label" in bad.output

    platform = runner.invoke(args=["kim", "export", "--include-platform-records"])
    assert "Account" in {n["label"] for n in json.loads(platform.output)["nodes"]}
