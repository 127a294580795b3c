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


def test_a_suggested_bridge_is_previewed_then_sent_to_both_sides(client, auth, seeded):
    _staff(client, auth)
    html = client.get("/analytics").get_data(as_text=True)
    link = re.search(r'<a class="button button-small" href="(/introductions/bridge\?a=([^&"]+)&amp;b=([^"]+))">', html)
    assert link, "a suggestion with its preview link"
    url, seeker, provider = unescape(link.group(1)), link.group(2), link.group(3)
    before = seeded.count_nodes(Label.INTRODUCTION)
    preview = client.get(url)
    assert preview.status_code == 200 and seeded.count_nodes(Label.INTRODUCTION) == before  # nothing sent yet
    page = preview.get_data(as_text=True)
    message = unescape(re.search(r'<textarea[^>]*name="message"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()
    assert message and "Community" not in message and "Gemeinschaft 1" not in message
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/introductions/bridge", data={"csrf_token": token, "org_a": seeker, "org_b": provider,
                                                          "message": message})
    assert response.status_code == 302 and "/introductions/" in response.headers["Location"]
    created = seeded.list_nodes(Label.INTRODUCTION, {"requester_org": seeker, "target_org": provider}, limit=10)
    assert created.total == 1 and created.items[0]["route"] == "bridge"
    after = client.get("/analytics").get_data(as_text=True)
    assert re.search(r"Requested</th><td class=\"num\">4<", after) or re.search(r"Angefragt</th><td class=\"num\">4<", after)
    # The same pair is not suggested again.
    assert f"a={seeker}&amp;b={provider}" not in after


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
