"""The map graph: what each viewer sees, filters, focus, layout."""
import numpy as np
import pytest

from kim_network.analytics import mapdata, mapserve, network
from kim_network.analytics.ecosystem import build_ecosystem
from kim_network.core.visibility import ANONYMOUS, STAFF, Viewer

from .ecosystem_data import ecosystem_records

MEMBER = Viewer(role="member", account_id="acc-9")


def _map(viewer):
    eco = build_ecosystem(*ecosystem_records(), viewer)
    found = network.communities(eco.graph)
    central = network.centrality(eco.graph)
    return eco, mapdata.build_map(eco, found, central)


def _select(m, eco, **filters):
    """The map's answer for these filters, as a worker serves it (from the map in arrays)."""
    return mapserve.select(mapserve.ServedMap.of(m, eco, {}), **filters)


def _ids(result):
    return {n["node_id"] for n in result["nodes"]}


@pytest.mark.parametrize("viewer,hidden", [
    (ANONYMOUS, {"secret-lab", "members-only", "pending-org", "old-dup", "person-0", "person-3"}),
    (MEMBER, {"secret-lab", "pending-org", "old-dup"}),
])
def test_hidden_profiles_never_reach_the_map(viewer, hidden):
    eco, m = _map(viewer)
    everything = _select(m, eco)
    assert not _ids(everything) & hidden
    keys = {n["id"] for n in everything["nodes"]}
    assert all(e["source"] in keys and e["target"] in keys for e in everything["edges"])
    # Their ties do not leak through degrees either: proj-r0's hidden partner is not counted.
    for n in everything["nodes"]:
        assert n["partners"] is None or n["partners"] <= len(keys)


def test_staff_see_everything_but_merged_duplicates():
    eco, m = _map(STAFF)
    ids = _ids(_select(m, eco))
    assert {"secret-lab", "members-only", "pending-org", "person-0"} <= ids
    assert "old-dup" not in ids


def test_nodes_carry_what_the_browser_draws():
    eco, m = _map(STAFF)
    result = _select(m, eco)
    kinds = {n["kind"] for n in result["nodes"]}
    assert kinds == {"organization", "person", "skill"}
    for n in result["nodes"]:
        assert {"id", "label", "kind", "community", "size", "x", "y"} <= set(n)
        assert -1.0 <= n["x"] <= 1.0 and -1.0 <= n["y"] <= 1.0
    assert {e["type"] for e in result["edges"]} == {"partner", "works_at", "offers", "needs"}
    xy = [(n["x"], n["y"]) for n in result["nodes"]]
    assert len(set(xy)) == len(xy)  # no two nodes on one spot


def test_communities_are_drawn_apart():
    eco, m = _map(STAFF)
    nodes = [n for n in m.nodes.values() if n["kind"] == "organization" and n["node_id"].startswith(("res", "med"))]
    research = np.array([(n["x"], n["y"]) for n in nodes if n["node_id"].startswith("res")])
    media = np.array([(n["x"], n["y"]) for n in nodes if n["node_id"].startswith("med")])
    inner = np.linalg.norm(research - research.mean(0), axis=1).mean()
    apart = np.linalg.norm(research.mean(0) - media.mean(0))
    assert apart > inner


def test_filters_reduce_the_map():
    eco, m = _map(STAFF)
    everything = _select(m, eco)
    orgs = _select(m, eco, kind="organization")
    assert 0 < len(orgs["nodes"]) < len(everything["nodes"])
    assert {n["kind"] for n in orgs["nodes"]} == {"organization"}
    schwaben = _select(m, eco, region="DE27")
    assert {n["region"] for n in schwaben["nodes"] if n["kind"] != "skill"} == {"DE27"}
    smes = _select(m, eco, kind="organization", sme="true")
    assert smes["nodes"] and all(n["sme"] for n in smes["nodes"])
    asr = _select(m, eco, skill="asr")
    members = [n for n in asr["nodes"] if n["kind"] != "skill"]
    assert members and all("Skill:asr" in m.member_skills[n["id"]] for n in members)
    assert "asr" in _ids(asr)
    assert _ids(_select(m, eco, skill="Spracherkennung")) == _ids(asr)
    assert _ids(_select(m, eco, skill="speech recognition")) == _ids(asr)
    recent = _select(m, eco, since="2024")
    assert all(n["created_at"] >= "2024" for n in recent["nodes"] if n["kind"] != "skill")
    early = _select(m, eco, until="2022-12-31", kind="organization")
    assert early["nodes"] and all(n["created_at"] <= "2022-12-31" for n in early["nodes"])
    universities = _select(m, eco, kind="university")
    assert {n["subkind"] for n in universities["nodes"] if n["kind"] != "skill"} == {"university"}


def test_focus_shows_the_neighbourhood():
    eco, m = _map(STAFF)
    one = _select(m, eco, focus="res-0", depth=1)
    two = _select(m, eco, focus="Organization:res-0", depth=2)
    assert "res-0" in _ids(one)
    assert _ids(one) < _ids(two) <= _ids(_select(m, eco))
    neighbours = {e["target"] if e["source"] == "Organization:res-0" else e["source"]
                  for e in one["edges"] if "Organization:res-0" in (e["source"], e["target"])}
    assert neighbours == {n["id"] for n in one["nodes"]} - {"Organization:res-0"}


def test_limit_keeps_the_most_central():
    eco, m = _map(STAFF)
    small = _select(m, eco, limit=5)
    assert small["meta"]["truncated"] and small["meta"]["shown"] == 5
    sizes = sorted((n["size"] for n in m.nodes.values()), reverse=True)
    assert min(n["size"] for n in small["nodes"]) >= sizes[5 - 1]


@pytest.mark.parametrize("kwargs,message", [
    ({"kind": "castle"}, "unknown kind"),
    ({"region": "DE2'; drop"}, "NUTS"),
    ({"sme": "maybe"}, "sme"),
    ({"since": "last year"}, "since"),
    ({"depth": 3, "focus": "res-0"}, "depth"),
    ({"focus": "secret-lab"}, "not visible"),
    ({"limit": 0}, "limit"),
])
def test_bad_filters_say_what_is_wrong(kwargs, message):
    eco, m = _map(MEMBER)
    with pytest.raises(mapdata.MapQueryError, match=message):
        _select(m, eco, **kwargs)
