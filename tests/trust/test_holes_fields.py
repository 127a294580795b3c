"""Regression tests for the holes an outside probe of the demo reproduced (issue 9), continued:
items 5 to 9 (one rule for visible fields, registration answers, reasons, sessions, field
rules) and the findings from reading the code. Every test failed on the code before its fix;
where a store is involved it runs on both adapters."""
from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest

from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS
from kim_network.importers.export import export_graph
from kim_network.importers.members import import_member_file
from kim_network.importers.records import import_cordis
from kim_network.web.mail import outbox
from tests.conftest import csrf_token
from tests.fixtures.cordis_folder import write_cordis_folder
from tests.trust.holes_support import MEMBER, answer, client_as, login, register, snapshot
from tests.trust.world import ACCOUNTS, seed_world


@pytest.fixture
def world(app, store):
    seed_world(store)
    return app, store


# -- 5. one function decides which fields a viewer may see ------------------------------------------


ADDRESS = ("Isarweg 1", "80331", "+49 89 1234567", "kontakt@org-a.example")


def test_anonymous_api_and_page_show_no_members_only_field(world):
    app, store = world
    anonymous = app.test_client()
    answer = anonymous.get("/api/v1/organizations/org-a")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert not [value for value in ADDRESS if value in body]
    assert not {"street", "postcode", "contact_email", "contact_phone"} & set(answer.get_json())
    page = anonymous.get("/organizations/org-a").get_data(as_text=True)
    assert not [value for value in ADDRESS if value in page]

    member = client_as(app, store, "other")
    seen = member.get("/api/v1/organizations/org-a").get_json()
    assert (seen["street"], seen["postcode"]) == ("Isarweg 1", "80331")
    assert seen["contact"]["contact_phone"] == "+49 89 1234567"
    assert "Isarweg 1" in member.get("/organizations/org-a").get_data(as_text=True)


def test_bookkeeping_fields_are_for_staff_and_owners_only(world):
    app, store = world
    for role, sees in (("anonymous", False), ("other", False), ("member", True), ("staff", True)):
        person = client_as(app, store, role).get("/api/v1/people/person-a").get_json()
        assert ("account_id" in person) is sees, role
    pending = client_as(app, store, "staff").get("/api/v1/organizations/org-pending").get_json()
    assert pending["pending"] is True


def test_exports_and_the_map_read_fields_through_the_same_rule(world):
    _app, store = world
    by_viewer = {}
    for name, viewer in (("anonymous", ANONYMOUS), ("member", MEMBER)):
        nodes = {n["id"]: n["props"] for n in export_graph(store, viewer)["nodes"]}
        by_viewer[name] = nodes
    assert "street" not in by_viewer["anonymous"]["org-a"] and "contact_email" not in by_viewer["anonymous"]["org-a"]
    assert by_viewer["member"]["org-a"]["street"] == "Isarweg 1"
    assert "email" not in by_viewer["anonymous"]["person-a"] and by_viewer["member"]["person-a"]["email"]
    assert "account_id" not in by_viewer["member"]["person-a"]

    from kim_network.analytics.ecosystem import build_ecosystem

    eco = build_ecosystem(store.export_nodes(), store.export_edges(), ANONYMOUS)
    assert "street" not in eco.nodes["Organization:org-a"]


# -- 6. registration answers without confirming that a name or an address exists -------------------


def test_a_new_organisation_named_like_a_hidden_one_gets_the_answer_of_any_new_name(world):
    app, store = world
    hidden = register(app.test_client(), email="a@probe.example", organization_mode="new",
                       organization_name="Verborgene Agentur", organization_kind="media_company",
                       organization_city="Passau")
    unknown = register(app.test_client(), email="b@probe.example", organization_mode="new",
                        organization_name="Niemand Bekanntes GmbH", organization_kind="media_company",
                        organization_city="Passau")
    assert answer(hidden) == answer(unknown) and hidden.status_code == 302


def test_claiming_a_hidden_organisation_gets_the_answer_of_an_unknown_name(world):
    app, store = world
    before = snapshot(store)
    for name in ("Verborgene Agentur", "Lechfeld Daten eG", "Donau Studio"):  # staff-only, members-only, pending
        hidden = register(app.test_client(), organization_name=name)
        unknown = register(app.test_client(), organization_name="Gibt es nicht GmbH")
        assert answer(hidden)[::2] == answer(unknown)[::2] and hidden.status_code == 400, name
        assert "noch nicht registriert" in answer(hidden)[2][0]
    assert snapshot(store)[1] == before[1]


def test_a_taken_address_gets_the_answer_of_a_new_one_and_its_owner_a_mail(world):
    app, store = world
    taken = register(app.test_client(), email=ACCOUNTS["member"]["email"])
    fresh = register(app.test_client(), email="neu@probe.example")
    assert answer(taken)[:2] == answer(fresh)[:2] == (302, "/login")
    assert store.list_nodes(Label.ACCOUNT, {"email": ACCOUNTS["member"]["email"]}).total == 1
    mail = [m for m in outbox(app) if m["to"] == ACCOUNTS["member"]["email"]]
    assert len(mail) == 1 and "/reset" in mail[0]["body"]


# -- 7. reasons shown to a recipient are computed by the platform, never taken from the request ------


def test_requester_text_is_never_shown_as_the_platforms_reasoning(world):
    """Fixed in issue 12: the request carries no reasons; each reader gets reasons computed for them."""
    app, store = world
    member = client_as(app, store, "member")
    forged = "KI.M garantiert Ihnen eine Förderung"
    refused = member.post("/api/v1/introductions", json={"target_org": "org-c", "message": "Hallo",
                                                         "reasons": forged},
                          headers={"X-CSRFToken": csrf_token(member, "/")})
    assert refused.status_code == 422 and "reasons" in refused.get_json()["error"]["fields"]
    page = member.get(f"/introductions/new?org=org-c&reasons={forged}").get_data(as_text=True)
    assert forged not in page
    sent = member.post("/introductions/new", data={"target_org": "org-c", "message": "Hallo Carl",
                                                   "reasons": forged,
                                                   "csrf_token": csrf_token(member, "/introductions/new?org=org-c")})
    assert sent.status_code == 302
    intro = store.get_node(Label.INTRODUCTION, sent.headers["Location"].rsplit("/", 1)[1])
    assert "reasons" not in intro
    recipient = client_as(app, store, "other")
    seen = recipient.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Hallo Carl" in seen and forged not in seen
    api = recipient.get(f"/api/v1/introductions/{intro['id']}").get_json()
    assert forged not in json.dumps(api) and all(r["text"] for r in api["reasons"])


# -- 8. a session ends at logout, on the server, and after a day at the latest ---------------------


def test_a_saved_session_cookie_opens_nothing_after_logout(world):
    app, store = world
    browser = app.test_client()
    assert login(browser, ACCOUNTS["member"]["email"]).status_code == 302
    saved = browser.get_cookie("session").value
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/account").status_code == 302
    assert thief.get("/api/v1/introductions").status_code == 401
    # A fresh login works again.
    assert login(app.test_client(), ACCOUNTS["member"]["email"]).status_code == 302


def test_sessions_and_form_tokens_expire(world, monkeypatch):
    import itsdangerous.timed

    app, store = world
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=24)
    assert app.config["WTF_CSRF_TIME_LIMIT"] is not None
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    clock = [datetime.now(timezone.utc).timestamp()]

    class Clock:
        @staticmethod
        def time():
            return clock[0]

    monkeypatch.setattr(itsdangerous.timed, "time", Clock)
    browser = app.test_client()
    login(browser, ACCOUNTS["member"]["email"])
    for _step in range(3):  # active use keeps the session, however long it lasts in total
        clock[0] += lifetime * 0.6
        assert browser.get("/account").status_code == 200
    clock[0] += lifetime + 1  # idle for longer than the lifetime
    assert browser.get("/account").status_code == 302


# -- 9. the same field rules for member files, the CORDIS importer, forms and the API -------------------

BAD_VALUES = [
    pytest.param("website", "javascript:alert(document.cookie)", id="website-javascript"),
    pytest.param("website", "https://ki-m.example@evil.example/", id="website-with-credentials"),
    pytest.param("contact_phone", "<script>alert(1)</script>", id="phone-script"),
    pytest.param("contact_phone", "++--", id="phone-no-digits"),
    pytest.param("contact_email", "x@evil.example,victim", id="email-second-recipient"),
    pytest.param("region", "12AB", id="region-not-nuts"),
]


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_the_api_refuses_values_that_break_a_field_rule(world, field, value):
    app, store = world
    before = snapshot(store)
    client = client_as(app, store, "member")
    answer = client.patch("/api/v1/organizations/org-a", json={field: value},
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert field in answer.get_json()["error"]["fields"]
    assert snapshot(store) == before


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_the_edit_form_refuses_values_that_break_a_field_rule(world, field, value):
    app, store = world
    before = snapshot(store)
    client = client_as(app, store, "member")
    form = {"name": "Isar Medien GmbH", "kind": "media_company", "visibility": "public", "city": "München",
            "region": "DE21", field: value, "csrf_token": csrf_token(client, "/organizations/org-a/edit")}
    answer = client.post("/organizations/org-a/edit", data=form)
    assert answer.status_code == 400
    assert snapshot(store) == before


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_member_files_refuse_values_that_break_a_field_rule(world, tmp_path, field, value):
    _app, store = world
    before = snapshot(store)
    rows = [["id", "name", "kind", field], ["org-new", "Neue Medien", "media_company", value]]
    path = tmp_path / "organizations.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    result = import_member_file(path, store)
    assert not result.written
    assert [(e.where, e.field) for e in result.errors] == [("line 2", field)]
    assert snapshot(store) == before


def test_the_cordis_importer_leaves_out_values_that_break_a_field_rule(store, tmp_path):
    folder = write_cordis_folder(tmp_path / "cordis")
    path = folder / "organizations.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    rows[0]["organizationURL"] = "javascript:alert(1)"
    rows[1]["organizationURL"] = "https://www.hdm.example/\u200e"  # an invisible mark, as in the real data
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    result = import_cordis(store, folder)
    assert result.dropped == {"website": 1}
    assert "website" not in store.get_node(Label.ORGANIZATION, rows[0]["organisationID"])
    assert store.get_node(Label.ORGANIZATION, rows[1]["organisationID"])["website"] == "https://www.hdm.example/"


def test_registration_refuses_an_address_with_a_second_recipient(world):
    app, store = world
    client = app.test_client()
    before = snapshot(store)
    answer = client.post("/register", data={
        "name": "Eve", "email": "x@evil.example,victim", "password": "Redaktion-Nord-7",
        "password_confirm": "Redaktion-Nord-7", "organization_mode": "new", "organization_name": "Evil GmbH",
        "organization_kind": "media_company", "organization_city": "Passau", "consent": "y",
        "csrf_token": csrf_token(client, "/register")})
    assert answer.status_code == 400
    assert snapshot(store) == before


# -- found by reading the code ----------------------------------------------------------------------


def test_healthz_counts_only_what_anyone_may_see(world):
    app, _store = world
    counts = app.test_client().get("/healthz").get_json()["counts"]
    # org-a, org-b, org-c are public; members-only, staff-only and pending ones are not counted.
    assert counts["organizations"] == 3 and counts["people"] == 2


def test_a_huge_body_is_refused_before_it_is_read(world):
    app, store = world
    client = client_as(app, store, "member")
    before = snapshot(store)
    body = b'{"description_de": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.patch("/api/v1/organizations/org-a", data=body, content_type="application/json",
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 413 and answer.get_json()["error"]["status"] == 413
    assert snapshot(store) == before


def test_the_api_tells_an_unapproved_account_403_not_401(world):
    """Logged in but not approved yet: the API knows who asks, so it answers 403 with a message
    that says why (401 would tell the client to log in again, which cannot help); an anonymous
    caller still gets 401. Reads and writes alike, and nothing is stored."""
    app, store = world
    anonymous = app.test_client()
    pending = client_as(app, store, "pending")
    for url in ("/api/v1/introductions", "/api/v1/analytics"):
        answer = anonymous.get(url)
        assert answer.status_code == 401 and "Log in" in answer.get_json()["error"]["message"], url
        answer = pending.get(url)
        error = answer.get_json()["error"]
        assert answer.status_code == 403 and error["status"] == 403, url
        assert "not approved yet" in error["message"], url
    before = snapshot(store)
    answer = pending.post("/api/v1/introductions", json={"target_org": "org-b", "message": "Hallo?"},
                          headers={"X-CSRFToken": csrf_token(pending, "/")})
    assert answer.status_code == 403 and "not approved yet" in answer.get_json()["error"]["message"]
    assert snapshot(store) == before
    # The same account once approved is let in.
    store.update_node(Label.ACCOUNT, ACCOUNTS["pending"]["id"], {"approved": True})
    assert client_as(app, store, "pending").get("/api/v1/introductions").status_code == 200
