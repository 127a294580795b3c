"""The staff analytics page through the test client, on both stores."""
from __future__ import annotations

import re
from html import unescape

import pytest

from kim_network.core.model import Label
from tests.analytics.ecosystem_data import ACCOUNTS, seed_with_accounts


@pytest.fixture
def seeded(store, auth):
    seed_with_accounts(store, auth)
    return store


def _staff(client, auth):
    assert auth.login(client, *ACCOUNTS["staff"]).status_code == 302


def test_only_staff_see_analytics(client, auth, seeded):
    response = client.get("/analytics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(client, *ACCOUNTS["member"])
    assert client.get("/analytics").status_code == 403


def test_page_shows_every_section(client, auth, seeded):
    _staff(client, auth)
    response = client.get("/analytics?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="chart"') >= 5
    for region in ("Oberbayern", "Niederbayern", "Oberpfalz", "Oberfranken", "Mittelfranken", "Unterfranken", "Schwaben"):
        assert region in html
    for table in ("table-hubs", "table-brokers", "table-skills", "table-communities", "table-links",
                  "table-growth", "table-funnel"):
        assert f'id="{table}"' in html
    assert "Einsiedler Medien" in html  # isolated, stale: worth a call
    assert "Allgäu Rundschau (Dublette)" not in html  # merged duplicates never count
    funnel = html[html.index('id="table-funnel"'):]
    assert re.search(r"Requested</th><td class=\"num\">3<", funnel)
    assert "not measured" in funnel or "nicht gemessen" in funnel


def test_reasons_follow_the_language(client, auth, seeded):
    _staff(client, auth)
    german = client.get("/analytics?lang=de").get_data(as_text=True)
    english = client.get("/analytics?lang=en").get_data(as_text=True)
    assert "bietet" in german and "was" in german
    assert " offers " in english and "which" in english


def test_one_click_introduction_request(client, auth, seeded):
    _staff(client, auth)
    html = client.get("/analytics").get_data(as_text=True)
    form = re.search(r'<form method="post" action="(/introductions/new)" class="inline-form intro-form">(.*?)</form>',
                     html, re.S)
    assert form, "a suggestion with its request form"
    fields = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'name="(\w+)" value="([^"]*)"', form.group(2))}
    assert {"csrf_token", "target_org", "reasons", "message"} <= set(fields)
    target = fields["target_org"]
    before = seeded.list_nodes(Label.INTRODUCTION, {"target_org": target}, limit=10).total
    response = client.post(form.group(1), data=fields)
    assert response.status_code == 302 and "/introductions/" in response.headers["Location"]
    created = seeded.list_nodes(Label.INTRODUCTION, {"target_org": target}, limit=10)
    assert created.total == before + 1
    after = client.get("/analytics").get_data(as_text=True)
    assert re.search(r"Requested</th><td class=\"num\">4<", after) or re.search(r"Angefragt</th><td class=\"num\">4<", after)
    # The same pair is not suggested again.
    assert f'name="target_org" value="{target}"' not in after or after.count(fields["reasons"][:60]) == 0


def test_request_without_csrf_is_refused(client, auth, seeded):
    _staff(client, auth)
    response = client.post("/introductions/new", data={"target_org": "res-1", "message": "Hallo", "reasons": ""})
    assert response.status_code == 400
    assert seeded.list_nodes(Label.INTRODUCTION, {"target_org": "res-1"}, limit=10).total == 1  # only the fixture's


def test_analytics_json_for_staff_only(client, auth, seeded):
    assert client.get("/api/v1/analytics").status_code == 401
    auth.login(client, *ACCOUNTS["member"])
    assert client.get("/api/v1/analytics").status_code == 403
    auth.logout(client)
    _staff(client, auth)
    body = client.get("/api/v1/analytics?lang=en").get_json()
    assert [r["code"] for r in body["by_region"]][:7] == ["DE21", "DE22", "DE23", "DE24", "DE25", "DE26", "DE27"]
    assert body["skills"][0]["id"] == "subtitles" and body["skills"][0]["supply"] == 0
    assert body["funnel"]["stages"]["requested"] == 3 and body["funnel"]["stages"]["suggested"] is None
    assert {"id": "loner", "label": "Organization", "name": "Einsiedler Medien"} in body["isolated"]
    first = body["introductions"][0]
    assert first["seeker"]["label"] == "Organization" and first["reasons"][0]["text_en"]
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/analytics" in doc["paths"]
