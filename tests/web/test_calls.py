"""Calls: open calls that fit a member, finding a topic, staff adding a call, consortia for a topic."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kim_network.core.model import Label, Rel
from tests.conftest import csrf_token
from tests.support.world import seed
from tests.support.client import login, text_of

SOON = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def site(app, store):
    seed(store)
    store.upsert_nodes(Label.CALL, [
        {"id": "KIM-2099-UNTERTITEL", "title": "Pilot: Untertitel für Regionalsender", "deadline": SOON,
         "type_of_action": "IA", "min_partners": 3, "source": "staff"},
        {"id": "KIM-2099-EMPFEHLUNG", "title": "Empfehlungen im Hörfunk", "deadline": SOON, "source": "staff"},
        {"id": "HORIZON-CL4-2021-HUMAN-01-01", "title": "Trustworthy AI (RIA)", "type_of_action": "RIA",
         "min_partners": 3, "max_partners": 4, "source": "cordis", "projects_funded": 9},
        {"id": "OLD-2020-CALL", "title": "Vergangen", "deadline": "2020-01-01", "source": "staff"},
    ])
    store.upsert_edges(Rel.REQUIRES, [
        {"source": "KIM-2099-UNTERTITEL", "target": "subtitles", "source_label": "Call"},
        {"source": "KIM-2099-UNTERTITEL", "target": "asr", "source_label": "Call"},
        {"source": "KIM-2099-EMPFEHLUNG", "target": "recsys", "source_label": "Call"},
        {"source": "HORIZON-CL4-2021-HUMAN-01-01", "target": "asr", "source_label": "Call"},
    ])
    return app


def test_members_see_open_calls_that_fit_their_profile_first(site, client):
    login(client, "alex@alpenklang.example", lang="en")  # Alpenklang offers subtitling, has speech recognition
    page = text_of(client.get("/calls"))
    fitting = page[page.index("Open calls that fit your profile"):page.index("Other open calls")]
    assert "Pilot: Untertitel für Regionalsender" in fitting and "Empfehlungen im Hörfunk" not in fitting
    assert "Fits your profile:" in fitting
    assert "Empfehlungen im Hörfunk" in page[page.index("Other open calls"):]
    assert "Vergangen" not in page and "Trustworthy AI" not in page  # past, or a topic without deadline
    assert "at least 3 independent organisations" in fitting  # the IA rules, with their source


def test_a_topic_is_found_by_its_code_and_leads_to_a_consortium(site, client):
    login(client, "alex@alpenklang.example", lang="en")
    page = text_of(client.get("/calls?q=HORIZON-CL4-2021-HUMAN"))
    assert "Trustworthy AI (RIA)" in page and "/matches/consortium?call=HORIZON-CL4-2021-HUMAN-01-01" in page
    built = client.get("/matches/consortium?call=HORIZON-CL4-2021-HUMAN-01-01")
    assert built.status_code == 200
    text = text_of(built)
    assert "Trustworthy AI (RIA)" in text and "different EU member states or associated countries" in text


def test_the_api_finds_calls_and_builds_consortia_for_a_topic_code(site, client):
    login(client, "alex@alpenklang.example")
    found = client.get("/api/v1/calls?q=HORIZON-CL4-2021").get_json()
    assert [c["id"] for c in found["items"]] == ["HORIZON-CL4-2021-HUMAN-01-01"]
    assert found["items"][0]["rules"][0] == {"check": "min_entities", "value": 3}
    teams = client.get("/api/v1/recommendations/consortia?call=HORIZON-CL4-2021-HUMAN-01-01").get_json()["teams"]
    assert teams and {r["rule"] for r in teams[0]["eligibility"]} >= {"min_entities", "min_eligible_countries",
                                                                      "min_member_states"}
    # Every test organisation is German: three different countries cannot be met, and the check says so.
    countries = next(r for r in teams[0]["eligibility"] if r["rule"] == "min_eligible_countries")
    assert countries["ok"] is False and "Regulation (EU) 2021/695" in countries["source"]


def _form(client, **fields):
    data = {"code": "KIM-2099-NEU", "title": "Neuer Aufruf", "deadline": SOON, "type_of_action": "RIA",
            "skills": "Spracherkennung", "csrf_token": csrf_token(client, "/staff/calls/new")}
    data.update(fields)
    return client.post("/staff/calls/new", data=data)


def test_staff_add_a_call_with_rules_and_skills(site, client, store):
    login(client, "team@ki-m.example", lang="en")
    response = _form(client)
    assert response.status_code == 302
    call = store.get_node(Label.CALL, "KIM-2099-NEU")
    assert call["deadline"] == SOON and call["min_partners"] == 3 and call["source"] == "staff"
    assert [e.target for e in store.edges(Label.CALL, "KIM-2099-NEU", Rel.REQUIRES)] == ["asr"]
    audit = store.list_nodes(Label.AUDIT, {"action": "call.create"}).items
    assert audit and audit[0]["subject"] == "KIM-2099-NEU"


@pytest.mark.parametrize("fields, message", [
    ({"deadline": "2020-01-01"}, "the deadline has passed"),
    ({"skills": "Unterwasserschweißen"}, "Unknown skill"),
    ({"code": "KIM-2099-UNTERTITEL"}, "exists already"),
    ({"code": "not a code!"}, "Invalid input"),
    ({"min_partners": "5", "max_partners": "2"}, "cannot be smaller"),
])
def test_a_bad_call_is_refused_and_nothing_is_written(site, client, store, fields, message):
    login(client, "team@ki-m.example", lang="en")
    before = store.count_nodes(Label.CALL)
    response = _form(client, **fields)
    assert response.status_code == 400 and message in text_of(response)
    assert store.count_nodes(Label.CALL) == before


def test_members_cannot_add_calls(site, client, store):
    login(client, "alex@alpenklang.example")
    assert client.get("/staff/calls/new").status_code == 403
    token = csrf_token(client, "/calls")
    response = client.post("/staff/calls/new", data={"code": "X-1", "title": "x", "deadline": SOON,
                                                     "skills": "asr", "csrf_token": token})
    assert response.status_code == 403 and store.get_node(Label.CALL, "X-1") is None


def test_calls_are_in_the_navigation_for_members(site, client):
    login(client, "alex@alpenklang.example", lang="en")
    assert re.search(r'<a href="/calls"[^>]*>Calls</a>', text_of(client.get("/")))
