"""What workers serve (`analytics.served`) answers exactly what the full snapshot answers.

Reports of every scope, with and without the centre left out and after new introductions;
names, roles and legend; and the map, with every kind of filter and focus, the same after a
round trip through the shared files (what the map's filters mean is tested on the served map
in test_mapdata.py).
"""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from kim_network.analytics import mapdata, mapserve, network
from kim_network.analytics.served import serve
from kim_network.analytics.snapshot import SCOPES, build_snapshot, centre_and_staff, compute_report, map_of
from kim_network.core.visibility import ANONYMOUS, STAFF, Viewer
from kim_network.services import artifacts

from .ecosystem_data import ecosystem_records
from .test_report_scope import _records

TODAY = date(2026, 1, 15)
LEVELS = [ANONYMOUS, Viewer(role="member", account_id="acc-9"), STAFF]


def _plain(report: dict) -> dict:
    out = dict(report)
    out["weak"] = {k: list(v) for k, v in report["weak"].items()}
    return out


def _pair(records, viewer):
    snap = build_snapshot(*records, viewer)
    return snap, serve(snap, today=TODAY)


@pytest.mark.parametrize("viewer", LEVELS)
def test_reports_are_those_of_the_full_snapshot(viewer):
    for records, centre in ((ecosystem_records(), ({"res-0"}, {"person-7"})), (_records(), ({"centre"}, set()))):
        snap, served = _pair(records, viewer)
        exclusions = [frozenset(), centre_and_staff(snap.eco, *centre)]
        assert served.exclusion(*centre) == exclusions[1]
        for scope, exclude in itertools.product(SCOPES, exclusions):
            expected = compute_report(snap, today=TODAY, scope=scope, exclude=exclude)
            assert _plain(served.report(None, scope, exclude)) == expected


def test_new_introductions_change_the_suggestions_as_on_the_full_snapshot():
    snap, served = _pair(ecosystem_records(), STAFF)
    before = served.report()["introductions"]
    assert before, "the test world suggests introductions"
    first = before[0]
    made = {"id": "intro-x", "requester_org": first["seeker"].split(":")[1],
            "target_org": first["provider"].split(":")[1], "status": "requested"}
    introductions = snap.eco.introductions + [made]
    snap.eco.introductions = served.introductions = introductions
    after = served.report()
    assert after == {**after, **{k: compute_report(snap, today=TODAY)[k] for k in ("funnel", "introductions")}}
    assert (first["seeker"], first["provider"]) not in {(r["seeker"], r["provider"]) for r in after["introductions"]}
    assert after["funnel"]["stages"]["requested"] == 4


_FILTERS = [
    {}, {"kind": "organization"}, {"kind": "person"}, {"kind": "skill"}, {"kind": "university,media_company"},
    {"region": "DE27"}, {"region": "DE2,DE1"}, {"sme": "true"}, {"sme": "false"}, {"kind": "person", "sme": "true"},
    {"skill": "asr"}, {"skill": "Spracherkennung"}, {"skill": "speech recognition,cv"}, {"skill": "nothing-like-it"},
    {"since": "2024"}, {"until": "2022-12-31", "kind": "organization"}, {"since": "2022-06", "until": "2023"},
    {"limit": 5}, {"limit": 12, "kind": "skill,organization"}, {"focus": "res-0"},
    {"focus": "Organization:res-0", "depth": 2}, {"focus": "asr"}, {"focus": "med-1", "kind": "organization"},
    {"focus": "person-2", "depth": 2, "focus_limit": 4}, {"focus": "res-1", "region": "DE25", "limit": 3},
]


@pytest.mark.parametrize("viewer", LEVELS)
def test_the_map_mapped_from_the_files_answers_as_the_built_one(viewer, tmp_path):
    snap, served = _pair(ecosystem_records(), viewer)
    roles = network.network_roles(snap.eco, snap.centrality)
    mapped = artifacts.load(tmp_path) if artifacts.save(served, tmp_path) else None
    drawn = map_of(snap).nodes
    for filters, lang in itertools.product(_FILTERS, ("de", "en")):
        answer = mapserve.select(served.map, lang=lang, **filters)
        assert mapserve.select(mapped.map, lang=lang, **filters) == answer, filters
        for node in answer["nodes"]:
            assert node["role"] == roles.get(node["id"]), filters
            assert node["label"] == drawn[node["id"]][f"label_{lang}"], filters
            assert (node["x"], node["size"]) == (drawn[node["id"]]["x"], drawn[node["id"]]["size"]), filters


@pytest.mark.parametrize("filters", [{"kind": "planet"}, {"limit": 0}, {"depth": 3}, {"focus": "nobody"},
                                     {"region": "Bayern!"}, {"sme": "maybe"}, {"since": "last year"}])
def test_the_mapped_map_refuses_what_the_built_one_refuses(filters, tmp_path):
    _, served = _pair(ecosystem_records(), STAFF)
    artifacts.save(served, tmp_path)
    mapped = artifacts.load(tmp_path)
    with pytest.raises(mapdata.MapQueryError) as built:
        mapserve.select(served.map, **filters)
    with pytest.raises(mapdata.MapQueryError) as loaded:
        mapserve.select(mapped.map, **filters)
    assert str(loaded.value) == str(built.value)


def test_names_roles_and_legend_are_the_full_snapshots():
    snap, served = _pair(ecosystem_records(), STAFF)
    eco = snap.eco
    roles = network.network_roles(eco, snap.centrality)
    for key in list(eco.nodes) + ["Organization:gone", "Skill:unknown"]:
        if not key.startswith(("Project:", "Event:")):
            assert served.name(key, "de") == eco.name(key, "de") and served.name(key, "en") == eco.name(key, "en")
    assert {k: served.roles().get(k) for k in eco.members} == roles
    assert served.roles().get("Skill:asr", "none") == "none"
    assert served.legend == network.community_profiles(eco, snap.communities, eco.skills_of(), top=14)


def test_an_empty_network_is_served_too():
    snap, served = _pair(([], []), STAFF)
    assert _plain(served.report()) == compute_report(snap, today=TODAY)
    assert mapserve.select(served.map) == {"nodes": [], "edges": [], "meta": {
        "total": 0, "shown": 0, "truncated": False, "limit": mapdata.DEFAULT_LIMIT, "focus": None}}
    assert served.name("Organization:x") == snap.eco.name("Organization:x")
