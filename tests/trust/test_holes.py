"""Regression tests for the holes an outside probe of the demo reproduced (issue 9).

One section per numbered item of the issue, then the findings from reading the code; every
test here failed on the code before its fix. Where a store is involved the test runs on
both adapters (the `store` fixture). `scripts/probe_attacker.py` repeats the probe against
a running demo.
"""
from __future__ import annotations

import csv
import gzip
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest

from kim_network import create_app
from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.importers.export import export_graph
from kim_network.importers.members import import_member_file
from kim_network.importers.records import import_cordis
from kim_network.services import accounts
from kim_network.web.mail import outbox
from tests.conftest import csrf_token
from tests.support.app import make_app
from tests.fixtures.cordis_folder import write_cordis_folder
from tests.trust.world import ACCOUNTS, PASSWORD, login_as, seed_world

MEMBER = Viewer(role="member", account_id="acc-other", organization_id="org-c", person_id="person-c")
BASE = "https://netzwerk.ki-m.example"


@pytest.fixture
def world(app, store):
    seed_world(store)
    return app, store


def _client(app, store, role):
    client = app.test_client()
    login_as(client, store, role)
    return client


def _snapshot(store):
    return store.change_counter(), sorted(json.dumps(n, sort_keys=True) for _l, n in store.export_nodes())


def _register(client, **fields):
    data = {"name": "Paula Probe", "email": "paula@probe.example", "password": PASSWORD,
            "password_confirm": PASSWORD, "organization_mode": "existing", "organization_name": "Alpen KI Labs",
            "consent": "y", "csrf_token": csrf_token(client, "/register"), **fields}
    return client.post("/register", data=data)


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def _answer(response) -> tuple:
    """What a visitor learns from a form's answer: status, where it leads, the messages shown."""
    import re

    text = response.get_data(as_text=True)
    messages = re.findall(r'class="(?:form-error|flash[^"]*)"[^>]*>(.*?)<', text, re.S)
    messages += re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', text, re.S)
    return response.status_code, response.headers.get("Location"), [m.strip() for m in messages]


# -- 1. a claim of an existing organisation reveals nothing before staff confirm it -----------------


def test_an_unapproved_claim_sees_only_what_it_wrote_itself(world):
    app, store = world
    client = app.test_client()
    assert _register(client).status_code == 302  # claims Alpen KI Labs (org-b), which received intro-ab
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    assert account["claimed_organization_id"] == "org-b" and "organization_id" not in account
    _login(client, "paula@probe.example")
    export = client.get("/account/export")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    data = json.loads(body)
    assert data["organization"] == {"id": "org-b", "name": "Alpen KI Labs", "status": "requested"}
    assert "kontakt@org-b.example" not in body and "intro-ab" not in body and "Dialekte" not in body
    assert data["account"]["email"] == "paula@probe.example"
    # Everywhere else the account is an anonymous visitor until staff confirm the claim.
    assert client.get("/api/v1/introductions/intro-ab").status_code in (401, 403)
    assert client.get("/introductions").status_code == 403
    assert client.get("/organizations/org-members").status_code == 404


def test_an_older_unconfirmed_link_exports_no_organisation_record(world):
    """The world's pending account still has `organization_id` as older registrations stored it."""
    app, store = world
    data = _client(app, store, "pending").get("/account/export").get_json()
    assert data["organization"] == {"id": "org-pending", "name": "Donau Studio", "status": "requested"}
    assert "kontakt@org-pending.example" not in json.dumps(data)


def test_a_claim_is_a_request_staff_see_and_approving_links_the_account(world):
    app, store = world
    _register(app.test_client())
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    assert "organization_id" not in account  # a request, not a link
    staff = _client(app, store, "staff")
    page = staff.get("/staff/accounts").get_data(as_text=True)
    assert "paula@probe.example" in page and "Alpen KI Labs" in page
    assert "Möchte dieser Organisation beitreten" in page  # staff see it is a claim
    assert staff.post(f"/staff/accounts/{account['id']}/approve",
                      data={"csrf_token": csrf_token(staff, "/staff/accounts")}).status_code == 302
    linked = store.get_node(Label.ACCOUNT, account["id"])
    assert linked["organization_id"] == "org-b" and "claimed_organization_id" not in linked
    member = app.test_client()
    _login(member, "paula@probe.example")
    received = member.get("/api/v1/introductions").get_json()["received"]
    assert [i["id"] for i in received] == ["intro-ab"]


def test_staff_may_link_a_new_registration_to_the_existing_organisation_of_that_name(world):
    app, store = world
    _register(app.test_client(), organization_mode="new", organization_name="Verborgene Agentur",
              organization_kind="media_company", organization_city="Passau")
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    registered = account["claimed_organization_id"]
    staff = _client(app, store, "staff")
    page = staff.get("/staff/accounts").get_data(as_text=True)
    assert "org-hidden" in page  # staff see the staff-only organisation of the same name
    staff.post(f"/staff/accounts/{account['id']}/approve",
               data={"csrf_token": csrf_token(staff, "/staff/accounts"), "link_to": "org-hidden"})
    assert store.get_node(Label.ACCOUNT, account["id"])["organization_id"] == "org-hidden"
    assert store.get_node(Label.ORGANIZATION, registered) is None  # the duplicate is gone


# -- 2. an id a caller passes in is answered like an unknown one when it is hidden -----------------

HIDDEN_INPUTS = [
    ("GET", "/api/v1/recommendations/consortia?call=call-1&partner={id}", None, "org"),
    ("GET", "/api/v1/recommendations/partners?organization={id}", None, "org"),
    ("GET", "/api/v1/recommendations/similar?organization={id}", None, "org"),
    ("GET", "/api/v1/recommendations/researchers?organization={id}", None, "org"),
    ("GET", "/api/v1/recommendations/partners?organization={id}", None, "person"),
    ("GET", "/api/v1/recommendations/collaborators?person={id}", None, "person"),
    ("GET", "/api/v1/recommendations/project-partners?q=Spracherkennung&partner={id}", None, "org"),
    ("GET", "/api/v1/map?focus={id}", None, "org"),
    ("GET", "/introductions/new?org={id}", None, "org"),
    ("POST", "/api/v1/introductions", {"target_org": "{id}", "message": "Hallo"}, "org"),
    ("POST", "/api/v1/feedback", {"subject": "org-a", "target": "{id}", "value": "useful"}, "org"),
    ("POST", "/api/v1/feedback", {"subject": "{id}", "target": "org-b", "value": "hide"}, "org"),
]
HIDDEN = {"org": ("org-hidden", "no-such-org"), "person": ("person-hidden", "no-such-person")}


@pytest.mark.parametrize("method,url,body,kind", HIDDEN_INPUTS,
                         ids=[f"{m} {u.split('?')[0]} {k}{' ' + str(sorted(b)) if b else ''}"
                              for m, u, b, k in HIDDEN_INPUTS])
def test_a_hidden_id_is_answered_exactly_like_an_unknown_one(world, method, url, body, kind):
    app, store = world
    client = _client(app, store, "member")
    token = csrf_token(client, "/")
    answers = []
    for ident in HIDDEN[kind]:
        payload = json.loads(json.dumps(body).replace("{id}", ident)) if body else None
        response = client.open(url.replace("{id}", ident), method=method, json=payload,
                               headers={"X-CSRFToken": token})
        text = response.get_data(as_text=True).replace(ident, "<id>")
        assert HIDDEN[kind][0] not in text
        message = response.get_json()["error"] if response.is_json else _answer(response)[2]
        answers.append((response.status_code, json.dumps(message).replace(ident, "<id>")))
    assert answers[0] == answers[1]
    assert answers[0][0] in (400, 404, 422)


# -- 3. lockout and the per-address limit hold under simultaneous requests -------------------------


def test_twelve_simultaneous_wrong_passwords_lock_the_account(world):
    _app, store = world
    email = ACCOUNTS["member"]["email"]
    barrier = threading.Barrier(12)

    def guess(i):
        barrier.wait()
        accounts.authenticate(store, email, f"Falsch-Passwort-{i}")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert accounts.is_locked(store.get_node(Label.ACCOUNT, ACCOUNTS["member"]["id"]))
    assert accounts.authenticate(store, email, PASSWORD) is None  # even the right password


def test_failed_logins_decay_after_fifteen_minutes(world):
    _app, store = world
    email, start = ACCOUNTS["member"]["email"], datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    for minute in range(4):
        accounts.authenticate(store, email, "Falsch-Passwort-1", now=start + timedelta(minutes=minute))
    later = start + timedelta(minutes=16)
    for minute in range(4):  # four more, a quarter of an hour later: no lock
        accounts.authenticate(store, email, "Falsch-Passwort-2", now=later + timedelta(minutes=minute))
    assert not accounts.is_locked(store.get_node(Label.ACCOUNT, ACCOUNTS["member"]["id"]), later)
    assert accounts.authenticate(store, email, PASSWORD, now=later + timedelta(minutes=5)) is not None


@pytest.mark.parametrize("n_servers", [1, 2], ids=["one-server", "two-servers"])
def test_the_per_address_limit_is_shared_by_every_app_server(world, tmp_path, n_servers):
    """Thirty failed logins from one address, then 429, even for a right password; with two
    app servers on one store the failures on both count together."""
    app, store = world
    servers = [app.test_client()] + [make_app(store, tmp_path).test_client() for _ in range(n_servers - 1)]
    statuses = [_login(servers[i % n_servers], f"probe{i}@probe.example", "Irgendwas-123").status_code
                for i in range(31)]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429
    assert _login(servers[0], ACCOUNTS["member"]["email"]).status_code == 429


def test_simultaneous_failures_from_one_address_stop_at_the_limit(world, monkeypatch):
    app, store = world
    # Real password hashing: each check takes long enough that all requests overlap.
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "scrypt")
    monkeypatch.setattr(accounts, "_dummy_hash", None)
    accounts.spend_hash_time("warm up the dummy hash")
    clients = [app.test_client() for _ in range(40)]
    tokens = [csrf_token(c) for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def attempt(i):
        barrier.wait()
        statuses.append(clients[i].post("/login", data={"email": f"probe{i}@probe.example",
                                                       "password": "Irgendwas-123",
                                                       "csrf_token": tokens[i]}).status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(401) == 30 and statuses.count(429) == 10


# -- 4. mail links come from KIM_BASE_URL; unexpected Host headers are refused -------------------


@pytest.fixture
def public_app(store, tmp_path):
    """The app as deployed at BASE (test mode still trusts `localhost`, the test client's host)."""
    app = make_app(store, tmp_path, KIM_BASE_URL=BASE)
    seed_world(store)
    return app


def _links(app) -> list[str]:
    import re

    return [link for mail in outbox(app) for link in re.findall(r"https?://\S+", mail["body"])]


def test_reset_approval_registration_and_introduction_mails_link_to_the_public_address(public_app, store):
    client = public_app.test_client()
    client.post("/reset", data={"email": ACCOUNTS["member"]["email"], "csrf_token": csrf_token(client, "/reset")})
    _register(public_app.test_client())
    staff = _client(public_app, store, "staff")
    staff.post("/staff/accounts/acc-pending/approve", data={"csrf_token": csrf_token(staff, "/staff/accounts")})
    member = _client(public_app, store, "other")
    answer = member.post("/api/v1/introductions", json={"target_org": "org-b", "message": "Hallo Alpen KI"},
                         headers={"X-CSRFToken": csrf_token(member, "/")})
    assert answer.status_code == 201
    subjects = [mail["subject"] for mail in outbox(public_app)]
    assert len(subjects) == 4, subjects  # reset, registration, approval, introduction
    links = _links(public_app)
    assert links and all(link.startswith(BASE + "/") for link in links), links


def test_a_foreign_host_header_is_refused_before_anything_runs(public_app, store):
    client = public_app.test_client()
    token = csrf_token(client, "/reset")
    before = _snapshot(store)
    for host in ("evil.example", "netzwerk.ki-m.example.evil.example", "evil.example:443"):
        answer = client.post("/reset", data={"email": ACCOUNTS["member"]["email"], "csrf_token": token},
                             headers={"Host": host})
        assert answer.status_code == 400
        assert client.get("/", headers={"Host": host}).status_code == 400
    assert list(outbox(public_app)) == [] and _snapshot(store) == before
    assert client.get("/", headers={"Host": "netzwerk.ki-m.example"}).status_code == 200


def test_a_forwarded_host_is_checked_behind_a_proxy(store, tmp_path):
    app = create_app({"SECRET_KEY": "x", "KIM_BASE_URL": BASE, "PROXY_COUNT": 1, "NEO4J_URI": None,
                      "KIM_DATA_DIR": str(tmp_path)})
    app.extensions["kim_store"] = store
    client = app.test_client()
    assert client.get("/privacy", headers={"Host": "app:8000", "X-Forwarded-Host": "evil.example"}).status_code == 400
    assert client.get("/privacy", headers={"Host": "app:8000",
                                           "X-Forwarded-Host": "netzwerk.ki-m.example"}).status_code == 200


def test_the_public_address_is_required_outside_demo_and_test_mode(monkeypatch):
    from kim_network.config import ConfigError

    monkeypatch.delenv("KIM_BASE_URL", raising=False)
    monkeypatch.delenv("KIM_DEMO", raising=False)
    with pytest.raises(ConfigError, match="KIM_BASE_URL"):
        create_app({"SECRET_KEY": "x"})
    with pytest.raises(ConfigError, match="KIM_BASE_URL"):
        create_app({"SECRET_KEY": "x", "KIM_BASE_URL": "https://netzwerk.ki-m.example/path?x=1"})
    assert create_app({"SECRET_KEY": "x", "KIM_BASE_URL": BASE}).config["KIM_TRUSTED_HOSTS"] == ["netzwerk.ki-m.example"]


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

    member = _client(app, store, "other")
    seen = member.get("/api/v1/organizations/org-a").get_json()
    assert (seen["street"], seen["postcode"]) == ("Isarweg 1", "80331")
    assert seen["contact"]["contact_phone"] == "+49 89 1234567"
    assert "Isarweg 1" in member.get("/organizations/org-a").get_data(as_text=True)


def test_bookkeeping_fields_are_for_staff_and_owners_only(world):
    app, store = world
    for role, sees in (("anonymous", False), ("other", False), ("member", True), ("staff", True)):
        person = _client(app, store, role).get("/api/v1/people/person-a").get_json()
        assert ("account_id" in person) is sees, role
    pending = _client(app, store, "staff").get("/api/v1/organizations/org-pending").get_json()
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
    hidden = _register(app.test_client(), email="a@probe.example", organization_mode="new",
                       organization_name="Verborgene Agentur", organization_kind="media_company",
                       organization_city="Passau")
    unknown = _register(app.test_client(), email="b@probe.example", organization_mode="new",
                        organization_name="Niemand Bekanntes GmbH", organization_kind="media_company",
                        organization_city="Passau")
    assert _answer(hidden) == _answer(unknown) and hidden.status_code == 302


def test_claiming_a_hidden_organisation_gets_the_answer_of_an_unknown_name(world):
    app, store = world
    before = _snapshot(store)
    for name in ("Verborgene Agentur", "Lechfeld Daten eG", "Donau Studio"):  # staff-only, members-only, pending
        hidden = _register(app.test_client(), organization_name=name)
        unknown = _register(app.test_client(), organization_name="Gibt es nicht GmbH")
        assert _answer(hidden)[::2] == _answer(unknown)[::2] and hidden.status_code == 400, name
        assert "noch nicht registriert" in _answer(hidden)[2][0]
    assert _snapshot(store)[1] == before[1]


def test_a_taken_address_gets_the_answer_of_a_new_one_and_its_owner_a_mail(world):
    app, store = world
    taken = _register(app.test_client(), email=ACCOUNTS["member"]["email"])
    fresh = _register(app.test_client(), email="neu@probe.example")
    assert _answer(taken)[:2] == _answer(fresh)[:2] == (302, "/login")
    assert store.list_nodes(Label.ACCOUNT, {"email": ACCOUNTS["member"]["email"]}).total == 1
    mail = [m for m in outbox(app) if m["to"] == ACCOUNTS["member"]["email"]]
    assert len(mail) == 1 and "/reset" in mail[0]["body"]


# -- 7. reasons shown to a recipient are computed by the platform, never taken from the request ------


def test_requester_text_is_never_shown_as_the_platforms_reasoning(world):
    """Fixed in issue 12: the request carries no reasons; each reader gets reasons computed for them."""
    app, store = world
    member = _client(app, store, "member")
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
    recipient = _client(app, store, "other")
    seen = recipient.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Hallo Carl" in seen and forged not in seen
    api = recipient.get(f"/api/v1/introductions/{intro['id']}").get_json()
    assert forged not in json.dumps(api) and all(r["text"] for r in api["reasons"])


# -- 8. a session ends at logout, on the server, and after a day at the latest ---------------------


def test_a_saved_session_cookie_opens_nothing_after_logout(world):
    app, store = world
    browser = app.test_client()
    assert _login(browser, ACCOUNTS["member"]["email"]).status_code == 302
    saved = browser.get_cookie("session").value
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/account").status_code == 302
    assert thief.get("/api/v1/introductions").status_code == 401
    # A fresh login works again.
    assert _login(app.test_client(), ACCOUNTS["member"]["email"]).status_code == 302


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
    _login(browser, ACCOUNTS["member"]["email"])
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
    before = _snapshot(store)
    client = _client(app, store, "member")
    answer = client.patch("/api/v1/organizations/org-a", json={field: value},
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert field in answer.get_json()["error"]["fields"]
    assert _snapshot(store) == before


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_the_edit_form_refuses_values_that_break_a_field_rule(world, field, value):
    app, store = world
    before = _snapshot(store)
    client = _client(app, store, "member")
    form = {"name": "Isar Medien GmbH", "kind": "media_company", "visibility": "public", "city": "München",
            "region": "DE21", field: value, "csrf_token": csrf_token(client, "/organizations/org-a/edit")}
    answer = client.post("/organizations/org-a/edit", data=form)
    assert answer.status_code == 400
    assert _snapshot(store) == before


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_member_files_refuse_values_that_break_a_field_rule(world, tmp_path, field, value):
    _app, store = world
    before = _snapshot(store)
    rows = [["id", "name", "kind", field], ["org-new", "Neue Medien", "media_company", value]]
    path = tmp_path / "organizations.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    result = import_member_file(path, store)
    assert not result.written
    assert [(e.where, e.field) for e in result.errors] == [("line 2", field)]
    assert _snapshot(store) == before


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
    before = _snapshot(store)
    answer = client.post("/register", data={
        "name": "Eve", "email": "x@evil.example,victim", "password": "Redaktion-Nord-7",
        "password_confirm": "Redaktion-Nord-7", "organization_mode": "new", "organization_name": "Evil GmbH",
        "organization_kind": "media_company", "organization_city": "Passau", "consent": "y",
        "csrf_token": csrf_token(client, "/register")})
    assert answer.status_code == 400
    assert _snapshot(store) == before


# -- found by reading the code ----------------------------------------------------------------------


def test_healthz_counts_only_what_anyone_may_see(world):
    app, _store = world
    counts = app.test_client().get("/healthz").get_json()["counts"]
    # org-a, org-b, org-c are public; members-only, staff-only and pending ones are not counted.
    assert counts["organizations"] == 3 and counts["people"] == 2


def test_a_huge_body_is_refused_before_it_is_read(world):
    app, store = world
    client = _client(app, store, "member")
    before = _snapshot(store)
    body = b'{"description_de": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.patch("/api/v1/organizations/org-a", data=body, content_type="application/json",
                          headers={"X-CSRFToken": csrf_token(client, "/")})
    assert answer.status_code == 413 and answer.get_json()["error"]["status"] == 413
    assert _snapshot(store) == before


def test_the_api_tells_an_unapproved_account_403_not_401(world):
    """Logged in but not approved yet: the API knows who asks, so it answers 403 with a message
    that says why (401 would tell the client to log in again, which cannot help); an anonymous
    caller still gets 401. Reads and writes alike, and nothing is stored."""
    app, store = world
    anonymous = app.test_client()
    pending = _client(app, store, "pending")
    for url in ("/api/v1/introductions", "/api/v1/analytics"):
        answer = anonymous.get(url)
        assert answer.status_code == 401 and "Log in" in answer.get_json()["error"]["message"], url
        answer = pending.get(url)
        error = answer.get_json()["error"]
        assert answer.status_code == 403 and error["status"] == 403, url
        assert "not approved yet" in error["message"], url
    before = _snapshot(store)
    answer = pending.post("/api/v1/introductions", json={"target_org": "org-b", "message": "Hallo?"},
                          headers={"X-CSRFToken": csrf_token(pending, "/")})
    assert answer.status_code == 403 and "not approved yet" in answer.get_json()["error"]["message"]
    assert _snapshot(store) == before
    # The same account once approved is let in.
    store.update_node(Label.ACCOUNT, ACCOUNTS["pending"]["id"], {"approved": True})
    assert _client(app, store, "pending").get("/api/v1/introductions").status_code == 200
