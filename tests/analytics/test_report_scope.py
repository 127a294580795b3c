"""The report at CORDIS-like scale: legend, stable community numbers, scope, centre left out, project skills."""
from __future__ import annotations

from kim_network.analytics import network
from kim_network.analytics.snapshot import build_snapshot, centre_and_staff, compute_report
from kim_network.core.visibility import STAFF


def _org(oid, region, kind="company"):
    return ("Organization", {"id": oid, "name": oid.upper(), "kind": kind, "region": region, "country": region[:2]})


def _records():
    nodes = [_org(f"a{i}", "DE21") for i in range(5)] + [_org(f"b{i}", "FR10", "university") for i in range(5)]
    nodes += [_org("berlin", "DE30"), _org("centre", "DE21", "public_body")]
    nodes += [("Person", {"id": "staffer", "name": "Staff", "kind": "expert", "region": "DE21"})]
    nodes += [("Skill", {"id": s, "label_de": s.upper(), "label_en": s.upper()}) for s in ("asr", "ml", "xr")]
    nodes += [("Project", {"id": p, "title": p, "signed_date": d}) for p, d in
              (("pa", "2024-03-01"), ("pb", "2024-05-01"), ("pc", "2023-01-01"), ("pall", "2024-02-01"))]
    edges = [{"type": "PARTICIPATED_IN", "source": f"a{i}", "target": "pa"} for i in range(5)]
    edges += [{"type": "PARTICIPATED_IN", "source": f"b{i}", "target": "pb"} for i in range(5)]
    edges += [{"type": "PARTICIPATED_IN", "source": "berlin", "target": "pc"},
              {"type": "PARTICIPATED_IN", "source": "a0", "target": "pc"}]
    # The centre and its staff member are tied to everyone.
    edges += [{"type": "PARTICIPATED_IN", "source": k, "target": "pall"} for k in ("centre", "a1", "b1", "berlin")]
    edges += [{"type": "WORKS_AT", "source": "staffer", "target": "centre"}]
    edges += [{"type": "REQUIRES", "source": "pa", "target": "asr", "source_label": "Project"},
              {"type": "REQUIRES", "source": "pa", "target": "ml", "source_label": "Project"},
              {"type": "REQUIRES", "source": "pb", "target": "xr", "source_label": "Project"},
              {"type": "REQUIRES", "source": "pall", "target": "asr", "source_label": "Project"}]
    return nodes, edges


def test_legend_names_communities_by_what_they_share():
    snap = build_snapshot(*_records(), STAFF)
    report = compute_report(snap)
    legend = {c["community"]: c for c in report["legend"]}
    a_comm = snap.communities["Organization:a2"]
    assert legend[a_comm]["size"] >= 5 and "ML" in legend[a_comm]["name_en"] or "ASR" in legend[a_comm]["name_en"]
    b_comm = snap.communities["Organization:b2"]
    assert legend[b_comm]["name_en"] == "XR – mostly universities"


def test_community_numbers_stay_when_the_network_changes():
    nodes, edges = _records()
    first = build_snapshot(nodes, edges, STAFF)
    # Renumbered from scratch, the communities would come out in another order: feed the previous.
    nodes2 = nodes + [_org(f"c{i}", "IT11") for i in range(8)]
    edges2 = edges + [{"type": "PARTICIPATED_IN", "source": f"c{i}", "target": "pb"} for i in range(8)]
    second = build_snapshot(nodes2, edges2, STAFF, previous=first.communities)
    assert second.communities["Organization:a3"] == first.communities["Organization:a3"]
    assert second.communities["Organization:b3"] == first.communities["Organization:b3"]


def test_hubs_and_brokers_leave_out_the_centre_and_its_staff():
    snap = build_snapshot(*_records(), STAFF)
    centre = centre_and_staff(snap.eco, {"centre"}, set())
    assert centre == {"Organization:centre", "Person:staffer"}
    with_centre = compute_report(snap)
    assert "Organization:centre" in [r["key"] for r in with_centre["hubs_brokers"]["brokers"]][:3]
    without = compute_report(snap, exclude=centre)
    keys = [r["key"] for r in without["hubs_brokers"]["hubs"] + without["hubs_brokers"]["brokers"]]
    assert "Organization:centre" not in keys and "Person:staffer" not in keys


def test_scope_limits_the_tables_to_bavaria_or_germany():
    snap = build_snapshot(*_records(), STAFF)
    bavaria = compute_report(snap, scope="bavaria")
    assert bavaria["totals"]["organizations"] == 6  # a0..a4 and the centre
    assert all(r["key"].split(":")[1].startswith(("a", "centre", "staffer")) for r in bavaria["hubs_brokers"]["hubs"])
    germany = compute_report(snap, scope="germany")
    assert germany["totals"]["organizations"] == 7 and dict(germany["by_area"])["DE3"] == 1
    everyone = compute_report(snap)
    assert dict(everyone["by_area"]) == {"DE": 8, "FR": 5}


def test_skill_supply_and_demand_without_declared_needs_use_project_skills():
    report = compute_report(build_snapshot(*_records(), STAFF))
    assert report["skills_basis"] == "projects"
    rows = {r["skill"]: r for r in report["skills"]}
    # asr: required by pa and pall (recent); supplied by everyone on those projects.
    assert rows["Skill:asr"]["demand"] == 2 and rows["Skill:asr"]["supply"] == 8


def test_roles_in_plain_words():
    snap = build_snapshot(*_records(), STAFF)
    roles = network.network_roles(snap.eco, snap.centrality)
    top = max(snap.eco.members, key=lambda k: snap.centrality[k][1])
    assert roles[top] == "broker"  # the member on most paths between the groups
    assert roles["Organization:a3"] == "member"
