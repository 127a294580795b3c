"""The JSON API: reads, writes with token or session, JSON errors, and the OpenAPI document."""
from __future__ import annotations

import re

import pytest

from kim_network.services import accounts as accounts
from kim_network.core.model import Label, Rel
from tests.support.client import login


def _token(store, account_id):
    return {"Authorization": "Bearer " + accounts.issue_api_token(store, account_id)}


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


# -- reads -----------------------------------------------------------------------------------


def test_organisations_list_respects_visibility_filters_and_paging(site, client, store):
    anonymous = client.get("/api/v1/organizations").get_json()
    assert [o["id"] for o in anonymous["items"]] == ["org-ak", "org-bm", "org-uni"]
    member = client.get("/api/v1/organizations?per_page=2", headers=_token(store, "acc-bm")).get_json()
    assert member["total"] == 4 and member["pages"] == 2 and len(member["items"]) == 2
    smes = client.get("/api/v1/organizations?sme=true&region=DE27").get_json()
    assert [o["id"] for o in smes["items"]] == ["org-ak"]
    assert smes["items"][0]["region_name"] == "Schwaben"


def test_get_organisation_hides_contact_from_anonymous_and_404s_hidden(site, client, store):
    public = client.get("/api/v1/organizations/org-bm").get_json()
    assert public["name"] == "Bergmedia Rosenheim" and "contact_email" not in public["contact"]
    assert public["needs"] == [{"id": "subtitles", "name": "Automatische Untertitelung"}]
    member = client.get("/api/v1/organizations/org-bm?lang=en", headers=_token(store, "acc-ak")).get_json()
    assert member["contact"]["contact_email"] == "kontakt@bergmedia.example"
    assert member["needs"][0]["name"] == "Automatic subtitling"
    _error(client.get("/api/v1/organizations/org-hidden", headers=_token(store, "acc-ak")), 404)
    assert client.get("/api/v1/organizations/org-hidden", headers=_token(store, "acc-staff")).status_code == 200


def test_people_follow_field_visibility(site, client, store):
    assert client.get("/api/v1/people/p-lena").get_json()["contact"] == {}
    member = client.get("/api/v1/people/p-lena", headers=_token(store, "acc-bm")).get_json()
    assert member["contact"] == {"email": "lena.huber@hs-donau.example"}
    assert [p["id"] for p in client.get("/api/v1/people").get_json()["items"]] == ["p-lena"]


def test_skills_autocomplete(site, client):
    found = client.get("/api/v1/skills?q=Sprach").get_json()
    assert {s["id"] for s in found["items"]} == {"asr", "nlp"}
    english = client.get("/api/v1/skills?q=speech&lang=en").get_json()
    assert english["items"][0] == {"id": "asr", "label": "Speech recognition",
                                   "label_de": "Spracherkennung", "label_en": "Speech recognition"}
    everything = client.get("/api/v1/skills?limit=50&lang=de").get_json()
    assert everything["total"] == 6 and everything["items"][0]["label"] == "Audio-KI"


def test_search_counts_only_visible_profiles(site, client, store):
    anonymous = client.get("/api/v1/search?q=Spracherkennung").get_json()
    # Hochschule Donau through the dialect project; the hidden institute and pending start-up not at all.
    assert {i["id"] for i in anonymous["items"]} == {"org-ak", "p-lena", "org-uni"} and anonymous["total"] == 3
    assert all(i["why"]["kind"] in ("text", "skill", "project") for i in anonymous["items"])
    assert [p["id"] for p in anonymous["projects"]] == ["prj-dialekt"]
    kinds = {f["value"]: f["count"] for f in anonymous["facets"]["kind"]}
    assert "research_institute" not in kinds
    staff = client.get("/api/v1/search?q=Spracherkennung", headers=_token(store, "acc-staff")).get_json()
    assert {"org-hidden", "org-pend"} <= {i["id"] for i in staff["items"]}
    narrower = client.get("/api/v1/search?skill=audio&kind=tech_provider&kind=researcher").get_json()
    assert {i["id"] for i in narrower["items"]} == {"org-ak", "p-lena"}


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url, field", [
    ("/api/v1/organizations?per_page=0", "per_page"),
    ("/api/v1/organizations?per_page=abc", "per_page"),
    ("/api/v1/organizations?sme=maybe", "sme"),
    ("/api/v1/organizations?kind=spaceship", "kind"),
    ("/api/v1/organizations?colour=blue", "colour"),
    ("/api/v1/search?q=" + "x" * 501, "q"),
    ("/api/v1/skills?limit=500", "limit"),
    ("/api/v1/organizations/bad%20id!", "org_id"),
])
def test_bad_parameters_are_400_with_fields(site, client, url, field):
    error = _error(client.get(url), 400)
    assert field in error["fields"]


def test_unknown_paths_and_methods_are_json(site, client):
    _error(client.get("/api/v1/nothing-here"), 404)
    _error(client.delete("/api/v1/organizations"), 405)


def test_writes_need_authentication(site, client):
    _error(client.post("/api/v1/introductions", json={"target_org": "org-ak", "message": "Hallo"}), 401)
    _error(client.patch("/api/v1/organizations/org-bm", json={"city": "Ulm"}), 401)
    _error(client.post("/api/v1/feedback", json={"subject": "org-bm", "target": "org-ak", "value": "hide"}), 401)


def test_invalid_bodies_are_422_with_fields_and_store_nothing(site, client, store):
    headers = _token(store, "acc-bm")
    before = store.get_node(Label.ORGANIZATION, "org-bm")
    error = _error(client.patch("/api/v1/organizations/org-bm", headers=headers,
                                json={"kind": "spaceship", "city": 7, "merged_into": "x"}), 422)
    assert set(error["fields"]) == {"kind", "city", "merged_into"}
    error = _error(client.patch("/api/v1/organizations/org-bm", headers=headers,
                                json={"city": "Ulm", "offers": ["Quantenfunk"]}), 422)
    assert "Quantenfunk" in error["fields"]["offers"]
    assert store.get_node(Label.ORGANIZATION, "org-bm") == before
    _error(client.patch("/api/v1/organizations/org-bm", headers=headers, data="city=Ulm"), 415)
    _error(client.patch("/api/v1/organizations/org-bm", headers=headers, data="[1,",
                        content_type="application/json"), 400)
    error = _error(client.post("/api/v1/introductions", headers=headers, json={"target_org": "org-ak", "message": ""}), 422)
    assert "message" in error["fields"]
    assert store.count_nodes(Label.INTRODUCTION) == 0


def test_members_change_only_their_own_organisation_staff_create(site, client, store):
    mine = client.patch("/api/v1/organizations/org-bm", headers=_token(store, "acc-bm"),
                        json={"city": "Kolbermoor", "website": None, "offers": ["vision", "Spracherkennung"]})
    assert mine.status_code == 200 and mine.get_json()["city"] == "Kolbermoor"
    assert {e.target for e in store.edges(Label.ORGANIZATION, "org-bm", Rel.OFFERS)} == {"vision", "asr"}
    _error(client.patch("/api/v1/organizations/org-ak", headers=_token(store, "acc-bm"), json={"city": "Ulm"}), 403)
    _error(client.patch("/api/v1/organizations/org-hidden", headers=_token(store, "acc-bm"), json={"city": "Ulm"}), 404)
    _error(client.post("/api/v1/organizations", headers=_token(store, "acc-bm"),
                       json={"name": "Neu", "kind": "company"}), 403)
    created = client.post("/api/v1/organizations", headers=_token(store, "acc-staff"),
                          json={"id": "org-neu", "name": "Isarwelle Audio", "kind": "company", "sme": True,
                                "skills": ["asr"]})
    assert created.status_code == 201 and created.get_json()["skills"][0]["id"] == "asr"
    _error(client.post("/api/v1/organizations", headers=_token(store, "acc-staff"),
                       json={"id": "org-neu", "name": "Doppelt", "kind": "company"}), 409)


def test_session_writes_need_the_csrf_token_token_writes_do_not(site, client, store):
    login(client, "anna@bergmedia.example")
    _error(client.patch("/api/v1/organizations/org-bm", json={"city": "Ulm"}), 400)
    assert store.get_node(Label.ORGANIZATION, "org-bm")["city"] == "München"
    from tests.conftest import csrf_token

    token = csrf_token(client, "/organizations/org-bm/edit")
    ok = client.patch("/api/v1/organizations/org-bm", json={"city": "Ulm"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    other = site.test_client()
    assert other.patch("/api/v1/organizations/org-bm", json={"city": "Bad Aibling"},
                       headers=_token(store, "acc-bm")).status_code == 200
    _error(other.get("/api/v1/introductions", headers={"Authorization": "Bearer kim_wrong"}), 401)


# -- introductions ------------------------------------------------------------------------------


def test_introduction_flow_through_the_api(site, client, store):
    anna, alex, lena = _token(store, "acc-bm"), _token(store, "acc-ak"), _token(store, "acc-lena")
    created = client.post("/api/v1/introductions", headers=anna,
                          json={"target_org": "org-ak", "message": "Untertitel für Lokal-TV?"})
    assert created.status_code == 201
    intro = created.get_json()
    assert intro["status"] == "requested" and intro["contacts"] == {} and intro["direction"] == "sent"
    _error(client.post("/api/v1/introductions", headers=anna,
                       json={"target_org": "org-ak", "message": "Nochmal"}), 409)
    _error(client.post("/api/v1/introductions", headers=anna,
                       json={"target_org": "org-hidden", "message": "Hallo"}), 404)
    received = client.get("/api/v1/introductions", headers=alex).get_json()["received"]
    assert [i["id"] for i in received] == [intro["id"]]
    _error(client.get(f"/api/v1/introductions/{intro['id']}", headers=lena), 404)
    _error(client.post(f"/api/v1/introductions/{intro['id']}/accept", headers=anna), 403)
    accepted = client.post(f"/api/v1/introductions/{intro['id']}/accept", headers=alex)
    assert accepted.status_code == 200
    assert accepted.get_json()["contacts"]["requester"]["email"] == "anna@bergmedia.example"
    mine = client.get(f"/api/v1/introductions/{intro['id']}", headers=anna).get_json()
    assert mine["contacts"] == {"target": {"name": "Alpenklang KI", "contact_email": "hallo@alpenklang.example",
                                           "person": "Alex Klang", "email": "alex@alpenklang.example"}}
    # The reasons are computed for the reader, never sent by the asker.
    assert any("Automatic subtitling" in r["text"] for r in
               client.get(f"/api/v1/introductions/{intro['id']}?lang=en", headers=anna).get_json()["reasons"])
    _error(client.post(f"/api/v1/introductions/{intro['id']}/decline", headers=alex, json={}), 409)
    smuggled = _error(client.post("/api/v1/introductions", headers=anna, json={
        "target_org": "org-uni", "message": "Hallo", "reasons": "KI.M guarantees a grant"}), 422)
    assert "reasons" in smuggled["fields"]


def test_a_person_is_asked_through_the_api_and_staff_pass_on_the_rest(site, client, store):
    anna, lena, staff = _token(store, "acc-bm"), _token(store, "acc-lena"), _token(store, "acc-staff")
    person = client.post("/api/v1/introductions", headers=anna,
                         json={"target_person": "p-lena", "message": "Dialekt-ASR?"}).get_json()
    assert person["route"] == "direct" and person["target_person"]["name"] == "Dr. Lena Huber"
    assert [i["id"] for i in client.get("/api/v1/introductions", headers=lena).get_json()["received"]] == [person["id"]]
    nobody = client.post("/api/v1/introductions", headers=anna,
                         json={"target_org": "org-fk", "message": "Hallo Frankenfunk"}).get_json()
    assert nobody["route"] == "staff"
    _error(client.get("/api/v1/introductions/queue", headers=anna), 403)
    queue = client.get("/api/v1/introductions/queue", headers=staff).get_json()["items"]
    assert [i["id"] for i in queue] == [nobody["id"]]
    done = client.post(f"/api/v1/introductions/{nobody['id']}/outcome", headers=staff,
                       json={"outcome": "met", "note": "Getroffen beim Matchmaking-Abend"})
    assert done.status_code == 200 and done.get_json()["status"] == "met"
    _error(client.post(f"/api/v1/introductions/{nobody['id']}/outcome", headers=staff, json={"outcome": "met"}), 409)
    bridge = client.post("/api/v1/introductions/bridge", headers=staff,
                         json={"org_a": "org-bm", "org_b": "org-ak", "message": "Bitte lernen Sie sich kennen."})
    assert bridge.status_code == 201 and bridge.get_json()["route"] == "bridge"


def test_feedback_is_stored_once_per_result(site, client, store):
    headers = _token(store, "acc-bm")
    body = {"subject": "org-bm", "target": "org-ak", "value": "not_relevant", "context": "partners"}
    assert client.post("/api/v1/feedback", headers=headers, json=body).status_code == 201
    assert client.post("/api/v1/feedback", headers=headers, json={**body, "value": "hide"}).status_code == 201
    stored = store.list_nodes(Label.FEEDBACK).items
    assert len(stored) == 1 and stored[0]["value"] == "hide" and stored[0]["account"] == "acc-bm"
    error = _error(client.post("/api/v1/feedback", headers=headers, json={**body, "value": "love"}), 422)
    assert "value" in error["fields"]


# -- OpenAPI --------------------------------------------------------------------------------------


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith("/api/v1/_"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_openapi_document_lists_exactly_the_routes(site, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == _api_routes(site)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["responses"] and op["summary"] and op["operationId"]
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(re.findall(r"\{(\w+)\}", path)), path


def test_openapi_refs_resolve(site, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    text = str(doc)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in doc["components"][ref[0]], ref


# -- recommendations --------------------------------------------------------------------------


def test_partner_recommendations_with_reasons_and_feedback(site, client, store):
    headers = _token(store, "acc-bm")
    first = client.get("/api/v1/recommendations/partners", headers=headers).get_json()
    assert first["subject"] == "org-bm" and first["items"][0]["id"] == "org-ak"
    top = first["items"][0]
    assert top["introduction_to"] == "org-ak" and top["reasons"][0]["text_de"] and top["reasons"][0]["text_en"]
    assert "org-hidden" not in {i["id"] for i in first["items"]}
    assert client.post("/api/v1/feedback", headers=headers, json={
        "subject": "org-bm", "target": "org-ak", "value": "hide", "context": "partners"}).status_code == 201
    after = client.get("/api/v1/recommendations/partners", headers=headers).get_json()
    assert "org-ak" not in {i["id"] for i in after["items"]}


def test_other_recommendation_lists(site, client, store):
    similar = client.get("/api/v1/recommendations/similar?organization=org-ak", headers=_token(store, "acc-bm"))
    assert similar.status_code == 200 and similar.get_json()["list"] == "similar"
    researchers = client.get("/api/v1/recommendations/researchers", headers=_token(store, "acc-bm")).get_json()
    assert [i["id"] for i in researchers["items"]] == ["p-lena"]
    assert researchers["items"][0]["introduction_to"] == "p-lena"  # the person herself
    media = client.get("/api/v1/recommendations/collaborators", headers=_token(store, "acc-lena")).get_json()
    assert "org-bm" in {i["id"] for i in media["items"]}
    ideas = client.get("/api/v1/recommendations/project-partners?q=Untertitel&skill=asr&sme=true",
                       headers=_token(store, "acc-bm")).get_json()
    assert ideas["items"] and all(i["id"] != "org-bm" for i in ideas["items"])


def test_recommendation_errors(site, client, store):
    _error(client.get("/api/v1/recommendations/partners?organization=org-ak"), 401)
    staff = _token(store, "acc-staff")
    error = _error(client.get("/api/v1/recommendations/partners", headers=staff), 422)
    assert "organization" in error["fields"]  # staff have no organisation of their own
    _error(client.get("/api/v1/recommendations/partners?organization=org-hidden", headers=_token(store, "acc-bm")), 422)
    _error(client.get("/api/v1/recommendations/project-partners?skill=Quantenfunk", headers=staff), 422)
    _error(client.get("/api/v1/recommendations/project-partners", headers=staff), 422)
    _error(client.get("/api/v1/recommendations/consortia?call=nope", headers=staff), 422)
    # Neither a call nor an idea: a clear error naming what to give.
    assert "idea" in _error(client.get("/api/v1/recommendations/consortia", headers=staff), 422)["fields"]


def test_consortia_for_a_call(site, client, store):
    store.upsert_nodes(Label.CALL, [{"id": "call-x", "title": "Barrierefreie Medien", "min_partners": 2,
                                     "max_partners": 3, "min_sme": 1}])
    store.upsert_edges(Rel.REQUIRES, [{"source": "call-x", "target": "subtitles"},
                                      {"source": "call-x", "target": "nlp"}])
    body = client.get("/api/v1/recommendations/consortia?call=call-x&partner=org-bm&alternatives=2",
                      headers=_token(store, "acc-bm")).get_json()
    assert body["call"] == "call-x" and 1 <= len(body["teams"]) <= 2
    team = body["teams"][0]
    assert "org-bm" in {m["id"] for m in team["members"]}
    assert {"members", "covered", "gaps", "eligibility", "eligible"} <= set(team)
    assert team["members"][0]["reasons"] == [] or team["members"][0]["reasons"][0]["text_de"]


def test_consortia_for_a_free_idea_and_skill_suggestions(site, client, store):
    headers = _token(store, "acc-bm")
    suggested = client.get("/api/v1/skills/suggest?text=Automatische+Untertitel+f%C3%BCr+Dialekte&lang=en",
                           headers=headers).get_json()["items"]
    assert suggested[0]["id"] == "subtitles" or "subtitles" in [s["id"] for s in suggested]
    body = client.get("/api/v1/recommendations/consortia?idea=Untertitel+f%C3%BCr+Regionalfernsehen"
                      "&skill=subtitles&skill=nlp", headers=headers)
    assert body.status_code == 200
    team = body.get_json()["teams"][0]
    assert body.get_json()["call"] is None and {"subtitles", "nlp"} >= set(team["covered"])


def test_member_creates_and_revokes_a_token_on_the_account_page(site, client, store):
    from tests.conftest import csrf_token

    login(client, "anna@bergmedia.example", lang="en")
    assert "You have no API token" in client.get("/account/api-token").get_data(as_text=True)
    page = client.post("/account/api-token", data={"csrf_token": csrf_token(client, "/account/api-token"),
                                                   "action": "create"}).get_data(as_text=True)
    token = re.search(r'<code class="token">(kim_[^<]+)</code>', page).group(1)
    stored = store.get_node(Label.ACCOUNT, "acc-bm")["api_token_hash"]
    assert stored and token not in stored  # only the hash is kept
    api_client = site.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api_client.get("/api/v1/introductions", headers=headers).status_code == 200
    assert "shown only once" not in client.get("/account/api-token").get_data(as_text=True)
    client.post("/account/api-token", data={"csrf_token": csrf_token(client, "/account/api-token"),
                                            "action": "revoke"})
    _error(api_client.get("/api/v1/introductions", headers=headers), 401)
