"""Regression tests for the holes an outside probe of the demo reproduced (issue 9).

One section per numbered item of the issue: items 1 to 4 here, the rest and the findings
from reading the code in test_holes_fields.py; every test here failed on the code before its
fix. Where a store is involved the test runs on
both adapters (the `store` fixture). `scripts/probe_attacker.py` repeats the probe against
a running demo.
"""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest

from kim_network import create_app
from kim_network.core.model import Label
from kim_network.services import accounts
from kim_network.web.mail import outbox
from tests.conftest import csrf_token
from tests.support.app import make_app
from tests.trust.holes_support import BASE, answer, client_as, login, register, snapshot
from tests.trust.world import ACCOUNTS, PASSWORD, seed_world

@pytest.fixture
def world(app, store):
    seed_world(store)
    return app, store


# -- 1. a claim of an existing organisation reveals nothing before staff confirm it -----------------


def test_an_unapproved_claim_sees_only_what_it_wrote_itself(world):
    app, store = world
    client = app.test_client()
    assert register(client).status_code == 302  # claims Alpen KI Labs (org-b), which received intro-ab
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    assert account["claimed_organization_id"] == "org-b" and "organization_id" not in account
    login(client, "paula@probe.example")
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
    data = client_as(app, store, "pending").get("/account/export").get_json()
    assert data["organization"] == {"id": "org-pending", "name": "Donau Studio", "status": "requested"}
    assert "kontakt@org-pending.example" not in json.dumps(data)


def test_a_claim_is_a_request_staff_see_and_approving_links_the_account(world):
    app, store = world
    register(app.test_client())
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    assert "organization_id" not in account  # a request, not a link
    staff = client_as(app, store, "staff")
    page = staff.get("/staff/accounts").get_data(as_text=True)
    assert "paula@probe.example" in page and "Alpen KI Labs" in page
    assert "Möchte dieser Organisation beitreten" in page  # staff see it is a claim
    assert staff.post(f"/staff/accounts/{account['id']}/approve",
                      data={"csrf_token": csrf_token(staff, "/staff/accounts")}).status_code == 302
    linked = store.get_node(Label.ACCOUNT, account["id"])
    assert linked["organization_id"] == "org-b" and "claimed_organization_id" not in linked
    member = app.test_client()
    login(member, "paula@probe.example")
    received = member.get("/api/v1/introductions").get_json()["received"]
    assert [i["id"] for i in received] == ["intro-ab"]


def test_staff_may_link_a_new_registration_to_the_existing_organisation_of_that_name(world):
    app, store = world
    register(app.test_client(), organization_mode="new", organization_name="Verborgene Agentur",
              organization_kind="media_company", organization_city="Passau")
    account = store.list_nodes(Label.ACCOUNT, {"email": "paula@probe.example"}).items[0]
    registered = account["claimed_organization_id"]
    staff = client_as(app, store, "staff")
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
    client = client_as(app, store, "member")
    token = csrf_token(client, "/")
    answers = []
    for ident in HIDDEN[kind]:
        payload = json.loads(json.dumps(body).replace("{id}", ident)) if body else None
        response = client.open(url.replace("{id}", ident), method=method, json=payload,
                               headers={"X-CSRFToken": token})
        text = response.get_data(as_text=True).replace(ident, "<id>")
        assert HIDDEN[kind][0] not in text
        message = response.get_json()["error"] if response.is_json else answer(response)[2]
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
    statuses = [login(servers[i % n_servers], f"probe{i}@probe.example", "Irgendwas-123").status_code
                for i in range(31)]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429
    assert login(servers[0], ACCOUNTS["member"]["email"]).status_code == 429


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
    register(public_app.test_client())
    staff = client_as(public_app, store, "staff")
    staff.post("/staff/accounts/acc-pending/approve", data={"csrf_token": csrf_token(staff, "/staff/accounts")})
    member = client_as(public_app, store, "other")
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
    before = snapshot(store)
    for host in ("evil.example", "netzwerk.ki-m.example.evil.example", "evil.example:443"):
        answer = client.post("/reset", data={"email": ACCOUNTS["member"]["email"], "csrf_token": token},
                             headers={"Host": host})
        assert answer.status_code == 400
        assert client.get("/", headers={"Host": host}).status_code == 400
    assert list(outbox(public_app)) == [] and snapshot(store) == before
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
