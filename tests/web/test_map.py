"""The map page and its API through the test client, on both stores: access, visibility, filters, exports."""
from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from kim_network.core.model import Label
from tests.analytics.ecosystem_data import ACCOUNTS, seed_with_accounts
from tests.conftest import gen_org

HIDDEN_FROM_MEMBERS = ("secret-lab", "pending-org", "old-dup")


@pytest.fixture
def seeded(store, auth):
    seed_with_accounts(store, auth)
    return store


def _login(client, auth, who):
    email, password = ACCOUNTS[who]
    response = auth.login(client, email, password)
    assert response.status_code == 302


def _ids(body):
    return {n["node_id"] for n in body["nodes"]}


def test_anonymous_visitors_are_asked_to_log_in(client, seeded):
    page = client.get("/map")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    for url in ("/api/v1/map", "/api/v1/map/export.graphml", "/api/v1/map/export.csv"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.get_json()["error"]["status"] == 401


def test_members_get_the_page_with_the_vendored_library(client, auth, seeded):
    _login(client, auth, "member")
    page = client.get("/map")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="map-canvas"' in html and "vendor/sigma/sigma.min.js" in html and "js/map.js" in html
    assert client.get("/static/vendor/sigma/sigma.min.js").status_code == 200
    assert client.get("/static/vendor/graphology/graphology.umd.min.js").status_code == 200


def test_members_never_see_hidden_profiles_or_their_ties(client, auth, seeded):
    _login(client, auth, "member")
    body = client.get("/api/v1/map").get_json()
    ids = _ids(body)
    assert {"res-0", "med-0", "members-only", "asr"} <= ids
    assert not ids & set(HIDDEN_FROM_MEMBERS)
    keys = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in keys and e["target"] in keys for e in body["edges"])
    for node in body["nodes"]:
        assert {"id", "label", "kind", "community", "size", "x", "y"} <= set(node)


def test_staff_see_staff_only_profiles(client, auth, seeded):
    _login(client, auth, "staff")
    ids = _ids(client.get("/api/v1/map").get_json())
    assert {"secret-lab", "pending-org"} <= ids
    assert "old-dup" not in ids  # merged duplicates are gone for everyone


def test_exports_are_filtered_like_the_map(client, auth, seeded):
    _login(client, auth, "member")
    graphml = client.get("/api/v1/map/export.graphml")
    assert graphml.status_code == 200 and "attachment" in graphml.headers["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(graphml.data))
    assert graph.number_of_nodes() > 20
    assert not {graph.nodes[n]["node_id"] for n in graph} & set(HIDDEN_FROM_MEMBERS)
    nodes = list(csv.DictReader(io.StringIO(client.get("/api/v1/map/export.csv").get_data(as_text=True))))
    assert nodes and not {r["node_id"] for r in nodes} & set(HIDDEN_FROM_MEMBERS)
    edges = list(csv.DictReader(io.StringIO(client.get("/api/v1/map/export.csv?part=edges").get_data(as_text=True))))
    assert edges and set(edges[0]) == {"source", "target", "type", "weight"}
    assert not any("secret-lab" in r["source"] + r["target"] for r in edges)
    schwaben = nx.read_graphml(io.BytesIO(client.get("/api/v1/map/export.graphml?region=DE27&kind=organization").data))
    assert 0 < schwaben.number_of_nodes() < graph.number_of_nodes()


def test_filters_and_focus(client, auth, seeded):
    _login(client, auth, "member")
    everything = client.get("/api/v1/map").get_json()
    orgs = client.get("/api/v1/map?kind=organization&sme=true").get_json()
    assert orgs["nodes"] and all(n["kind"] == "organization" and n["sme"] for n in orgs["nodes"])
    assert len(orgs["nodes"]) < len(everything["nodes"])
    focus = client.get("/api/v1/map?focus=res-0&depth=1").get_json()
    assert "res-0" in _ids(focus) and len(focus["nodes"]) < len(everything["nodes"])
    limited = client.get("/api/v1/map?limit=3").get_json()
    meta = {k: v for k, v in limited["meta"].items() if k != "legend"}
    assert meta == {"total": len(everything["nodes"]), "shown": 3, "truncated": True, "limit": 3, "focus": None}


@pytest.mark.parametrize("query,field", [
    ("kind=castle", None), ("depth=5", "depth"), ("sme=maybe", "sme"), ("since=yesterday", None),
    ("focus=secret-lab", None), ("colour=red", "colour"), ("limit=0", "limit"),
])
def test_bad_map_queries_answer_400_with_a_message(client, auth, seeded, query, field):
    _login(client, auth, "member")
    response = client.get("/api/v1/map?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"]
    if field:
        assert field in error.get("fields", {})


def test_the_map_follows_data_changes(client, auth, seeded):
    _login(client, auth, "member")
    assert "org-99" not in _ids(client.get("/api/v1/map").get_json())
    seeded.upsert_nodes(Label.ORGANIZATION, [gen_org(99)])
    assert "org-99" in _ids(client.get("/api/v1/map").get_json())
    seeded.update_node(Label.ORGANIZATION, "org-99", {"visibility": "staff"})
    assert "org-99" not in _ids(client.get("/api/v1/map").get_json())


def test_openapi_documents_the_map(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/map"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"kind", "skill", "region", "sme", "since", "until", "focus", "depth"} <= names
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"id", "label", "kind", "community"} <= set(schema["properties"]["nodes"]["items"]["required"])
    assert "/api/v1/map/export.graphml" in doc["paths"] and "/api/v1/map/export.csv" in doc["paths"]


def test_map_data_is_gzipped_with_an_etag_and_not_rebuilt(client, auth, seeded):
    _login(client, auth, "member")
    first = client.get("/api/v1/map", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["ETag"]
    import gzip
    import json

    data = json.loads(gzip.decompress(first.data))
    assert data["nodes"] and len(first.data) < len(json.dumps(data))
    again = client.get("/api/v1/map", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    plain = client.get("/api/v1/map")  # a client that does not take gzip gets plain JSON
    assert "Content-Encoding" not in plain.headers and plain.get_json()["nodes"] == data["nodes"]
    other = client.get("/api/v1/map?kind=organization", headers={"Accept-Encoding": "gzip"})
    assert other.headers["ETag"] != first.headers["ETag"]


def test_map_nodes_carry_roles_and_a_legend_of_the_communities_shown(client, auth, seeded):
    _login(client, auth, "member")
    data = client.get("/api/v1/map?lang=en").get_json()
    members = [n for n in data["nodes"] if n["kind"] != "skill"]
    assert members and all(n["role"] in ("broker", "connector", "hub", "member") for n in members)
    legend = data["meta"]["legend"]
    assert legend and all(entry["name"] and entry["size"] >= entry["shown"] > 0 for entry in legend)
    assert {entry["community"] for entry in legend} <= {n["community"] for n in members}


def test_a_large_neighbourhood_is_capped_closest_first_with_more_to_show(client, auth, seeded):
    _login(client, auth, "member")
    whole = client.get("/api/v1/map?focus=res-0&depth=2").get_json()
    capped = client.get("/api/v1/map?focus=res-0&depth=2&focus_limit=4").get_json()
    assert len(capped["nodes"]) == 4 and "res-0" in _ids(capped)
    focus = capped["meta"]["focus"]
    assert focus["shown"] == 4 and focus["total"] == whole["meta"]["focus"]["total"] > 4 and focus["more"] == 8
