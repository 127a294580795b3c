"""Accounts through the browser's eyes: registration, approval, login, lockout, reset, roles, CSRF."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask import Blueprint, jsonify

from kim_network.services import accounts as service
from kim_network.services.limits import ACCOUNT_FAILURES, LOGIN_PER_ADDRESS
from kim_network.web.access import admin_required, current_viewer, member_required, staff_required
from kim_network.web.mail import outbox
from kim_network.core.model import Label, Rel
from kim_network.web.shell import csrf_exempt_token_requests
from tests.conftest import csrf_token, gen_org

PASSWORD = "Redaktion-Nord-7"
STAFF_EMAIL = "team@ki-m.example"


def _registration(**overrides) -> dict:
    data = {
        "name": "Anna Berger",
        "email": "anna.berger@bergblick-medien.example",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "organization_mode": "new",
        "organization_name": "Bergblick Medien GmbH",
        "organization_kind": "media_company",
        "organization_city": "Rosenheim",
        "person_kind": "media_professional",
        "consent": "y",
    }
    data.update(overrides)
    return data


def _register(client, **overrides):
    data = _registration(**overrides)
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data)


def _only_account(store) -> dict:
    items = store.list_nodes(Label.ACCOUNT).items
    assert len(items) == 1
    return items[0]


@pytest.fixture
def probe(app):
    """Test-only views guarded by each decorator, plus an API blueprint exempt for tokens."""

    def who():
        viewer = current_viewer()
        return jsonify(role=viewer.role, organization_id=viewer.organization_id)

    app.add_url_rule("/_probe/member", "probe_member", member_required(who))
    app.add_url_rule("/_probe/admin", "probe_admin", admin_required(who))
    api = Blueprint("probe_api", __name__, url_prefix="/api/v1/_probe")
    api.add_url_rule("/staff", "staff", staff_required(who))
    api.add_url_rule("/write", "write", member_required(who), methods=["POST"])
    csrf_exempt_token_requests(api)
    app.register_blueprint(api)
    return app


# -- registration ----------------------------------------------------------------------


def test_registration_creates_a_pending_account_organisation_and_person(app, client, auth, store):
    response = _register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    account = _only_account(store)
    assert account["email"] == "anna.berger@bergblick-medien.example"
    assert account["approved"] is False and account["role"] == "member"
    assert account["consent_version"] == service.CONSENT_VERSION == "2026-01"
    assert account["consent_at"]
    assert account["password_hash"] != PASSWORD and PASSWORD not in account["password_hash"]
    # The organisation is a claim staff confirm, not yet the account's organisation.
    assert "organization_id" not in account
    org = store.get_node(Label.ORGANIZATION, account["claimed_organization_id"])
    assert org["name"] == "Bergblick Medien GmbH" and org["pending"] is True and org["city"] == "Rosenheim"
    person = store.get_node(Label.PERSON, account["person_id"])
    assert person["pending"] is True and person["kind"] == "media_professional"
    assert store.edges(Label.PERSON, person["id"], Rel.WORKS_AT) == []  # linked on approval
    assert outbox(app)[-1]["to"] == account["email"] and "Registrierung" in outbox(app)[-1]["subject"]

    assert "Anna Berger" not in client.get("/").get_data(as_text=True)  # not logged in by registering
    auth.login(client, account["email"], PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Ihr Konto wartet auf die Freigabe durch das KI.M-Team" in page
    assert "Anna Berger" in page


def test_registration_joins_an_existing_organisation_by_name(client, store):
    store.create_node(Label.ORGANIZATION, gen_org(1, name="Isarwelle Rundfunk"))
    response = _register(client, organization_mode="existing", organization_name="isarwelle rundfunk",
                         organization_kind="", organization_city="", person_kind="")
    assert response.status_code == 302
    account = _only_account(store)
    assert account["claimed_organization_id"] == "org-1" and "organization_id" not in account
    assert "person_id" not in account
    assert "pending" not in store.get_node(Label.ORGANIZATION, "org-1")
    assert store.count_nodes(Label.ORGANIZATION) == 1


def test_invalid_registration_shows_messages_at_the_fields_keeps_input_and_stores_nothing(client, store):
    response = _register(client, email="anna.berger(at)example", password="kurz", password_confirm="anders",
                         organization_kind="", organization_city="", consent="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field_id, message in [
        ("email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("password", "Verwenden Sie mindestens 10 Zeichen."),
        ("password_confirm", "Die beiden Passwörter stimmen nicht überein."),
        ("organization_kind", "Bitte wählen Sie die Art der Organisation."),
        ("organization_city", "Bitte geben Sie den Ort ein."),
        ("consent", "Bitte stimmen Sie der Datenschutzerklärung zu"),
    ]:
        block = page.split(f'id="{field_id}-error"', 1)
        assert len(block) == 2, f"no error list for {field_id}"
        assert message in block[1].split("</ul>", 1)[0]
    assert 'value="Anna Berger"' in page and 'value="anna.berger(at)example"' in page
    assert 'value="Bergblick Medien GmbH"' in page
    assert "kurz" not in page  # passwords are never echoed
    assert store.count_nodes(Label.ACCOUNT) == 0 and store.count_nodes(Label.ORGANIZATION) == 0


def test_registration_with_a_taken_email_answers_like_any_other_and_tells_the_owner(app, client, auth, store):
    auth.register_account(store, "anna.berger@bergblick-medien.example", PASSWORD)
    taken = _register(client)
    new = _register(app.test_client(), email="neu@bergblick-medien.example")
    assert taken.status_code == new.status_code == 302 and taken.headers["Location"] == new.headers["Location"]
    assert store.count_nodes(Label.ACCOUNT) == 2  # the owner's and the new one; nothing for the taken address
    mails = [m for m in outbox(app) if m["to"] == "anna.berger@bergblick-medien.example"]
    assert len(mails) == 1 and "bereits ein Konto" in mails[0]["body"] and "/reset" in mails[0]["body"]


def test_registration_refuses_an_unknown_organisation(client, store):
    page = _register(client, email="neu@example.org", organization_mode="existing",
                     organization_name="Gibt es nicht AG").get_data(as_text=True)
    assert "noch nicht registriert" in page
    assert store.count_nodes(Label.ACCOUNT) == 0 and store.count_nodes(Label.ORGANIZATION) == 0


def test_registration_does_not_create_a_second_organisation_of_the_same_name(client, store):
    store.create_node(Label.ORGANIZATION, gen_org(1, name="Isarwelle Rundfunk"))
    response = _register(client, organization_name="ISARWELLE Rundfunk")
    assert response.status_code == 400
    assert "bereits registriert" in response.get_data(as_text=True).split('id="organization_name-error"')[1]
    assert store.count_nodes(Label.ORGANIZATION) == 1 and store.count_nodes(Label.ACCOUNT) == 0


def test_passwords_are_hashed_with_scrypt_by_default():
    hashed = service.hash_password(PASSWORD)
    assert hashed.startswith("scrypt:") and PASSWORD not in hashed


@pytest.mark.parametrize(
    "password, email, complaint",
    [
        ("Kurz-1", "", "at least 10"),
        ("nurbuchstabenhier", "", "digit or symbol"),
        ("1234567890123", "", "digit or symbol"),
        ("anna.berger@example.org", "anna.berger@example.org", "e-mail"),
        ("Passwort123", "", "too common"),
    ],
)
def test_password_policy(password, email, complaint):
    assert any(complaint in str(p) for p in service.password_problems(password, email))
    assert service.password_problems("Zugspitze-Morgen-42", "anna@example.org") == []


# -- approval --------------------------------------------------------------------------


def test_staff_approve_a_registration_and_its_profiles_become_visible(app, client, auth, store):
    _register(client)
    pending = _only_account(store)
    auth.login(client, pending["email"], PASSWORD)
    assert "Ihr Konto wartet auf die Freigabe" in client.get("/").get_data(as_text=True)
    auth.register_account(store, STAFF_EMAIL, PASSWORD, role="staff")
    staff = app.test_client()
    auth.login(staff, STAFF_EMAIL, PASSWORD)
    listing = staff.get("/staff/accounts").get_data(as_text=True)
    assert "anna.berger@bergblick-medien.example" in listing and "Bergblick Medien GmbH" in listing

    url = f"/staff/accounts/{pending['id']}/approve"
    assert staff.post(url).status_code == 400  # no CSRF token
    assert store.get_node(Label.ACCOUNT, pending["id"])["approved"] is False

    response = staff.post(url, data={"csrf_token": csrf_token(staff, "/staff/accounts")})
    assert response.status_code == 302
    approved = store.get_node(Label.ACCOUNT, pending["id"])
    assert approved["approved"] is True and approved["organization_id"] == pending["claimed_organization_id"]
    assert "claimed_organization_id" not in approved
    assert "pending" not in store.get_node(Label.ORGANIZATION, approved["organization_id"])
    assert "pending" not in store.get_node(Label.PERSON, pending["person_id"])
    assert [e.target for e in store.edges(Label.PERSON, pending["person_id"], Rel.WORKS_AT)] == [
        approved["organization_id"]]
    assert outbox(app)[-1]["to"] == "anna.berger@bergblick-medien.example"
    assert "freigegeben" in outbox(app)[-1]["subject"]
    audit = store.list_nodes(Label.AUDIT, {"action": "account.approve"}).items
    assert [a["subject"] for a in audit] == [pending["id"]]
    assert "Ihr Konto wartet auf die Freigabe" not in client.get("/").get_data(as_text=True)
    assert "Keine Registrierungen warten auf Freigabe" in staff.get("/staff/accounts").get_data(as_text=True)


def test_staff_reject_deletes_the_account_and_what_it_created(app, client, auth, store):
    store.create_node(Label.ORGANIZATION, gen_org(1, name="Isarwelle Rundfunk"))
    _register(client)
    first = _only_account(store)
    auth.login(client, first["email"], PASSWORD)
    auth.register_account(store, STAFF_EMAIL, PASSWORD, role="staff")
    staff = app.test_client()
    auth.login(staff, STAFF_EMAIL, PASSWORD)
    staff.post(f"/staff/accounts/{first['id']}/reject", data={"csrf_token": csrf_token(staff, "/staff/accounts")})
    assert store.get_node(Label.ACCOUNT, first["id"]) is None
    assert store.get_node(Label.ORGANIZATION, first["claimed_organization_id"]) is None
    assert store.get_node(Label.PERSON, first["person_id"]) is None
    assert store.get_node(Label.ORGANIZATION, "org-1") is not None
    # the rejected visitor's session is gone with the account
    assert "Anna Berger" not in client.get("/").get_data(as_text=True)


# -- login, logout, lockout ------------------------------------------------------------------


def test_login_and_logout(client, auth, store):
    auth.register_account(store, "lena@hs-donau.example", PASSWORD, name="Lena Huber")
    response = auth.login(client, "Lena@HS-Donau.example", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Lena Huber" in page and "Abmelden" in page
    assert client.get_cookie("remember_token") is None  # no remember-me: the session cookie only
    assert client.get("/logout").status_code == 405  # logging out needs a POST with CSRF
    assert auth.logout(client).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Lena Huber" not in page and "Anmelden" in page


def test_login_follows_local_next_only(client, auth, store):
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    assert auth.login(client, "lena@hs-donau.example", PASSWORD, next_url="/privacy").headers["Location"] == "/privacy"
    auth.logout(client)
    response = auth.login(client, "lena@hs-donau.example", PASSWORD, next_url="//evil.example/x")
    assert response.headers["Location"] == "/"


def test_five_failures_lock_the_account_without_revealing_it(client, auth, store):
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    unknown = auth.login(client, "niemand@example.org", "Falsch-12345")
    messages = []
    for _ in range(5):
        response = auth.login(client, "lena@hs-donau.example", "Falsch-12345")
        assert response.status_code == 401
        messages.append(response.get_data(as_text=True).split('class="form-error"')[1].split("</p>")[0])
    locked = auth.login(client, "lena@hs-donau.example", PASSWORD)
    assert locked.status_code == 401 == unknown.status_code
    text = locked.get_data(as_text=True).split('class="form-error"')[1].split("</p>")[0]
    assert set(messages) == {text} == {unknown.get_data(as_text=True).split('class="form-error"')[1].split("</p>")[0]}
    assert "15 Minuten" in text
    account = _only_account(store)
    assert account["locked_until"] > datetime.now(timezone.utc).isoformat()

    # after the lock has run out, the right password works again
    store.update_node(Label.ACCOUNT, account["id"], {
        "locked_until": (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(timespec="seconds")})
    assert auth.login(client, "lena@hs-donau.example", PASSWORD).status_code == 302
    assert ACCOUNT_FAILURES.add(store, account["id"], 0) == 0  # a success forgets the failures


def test_lockout_expires_after_fifteen_minutes(store):
    service.create_account(store, "lena@hs-donau.example", PASSWORD, approved=True)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    for minute in range(5):
        assert service.authenticate(store, "lena@hs-donau.example", "Falsch-12345", now=start + timedelta(minutes=minute)) is None
    assert service.authenticate(store, "lena@hs-donau.example", PASSWORD, now=start + timedelta(minutes=18)) is None
    assert service.authenticate(store, "lena@hs-donau.example", PASSWORD, now=start + timedelta(minutes=20)) is not None


def test_many_failures_from_one_address_are_slowed_down(client, auth, store):
    # As if 29 logins with other e-mails had failed from this address (on any app server).
    LOGIN_PER_ADDRESS.add(store, "127.0.0.1", 29)
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    assert auth.login(client, "rate@example.org", "Falsch-12345").status_code == 401
    response = auth.login(client, "lena@hs-donau.example", PASSWORD)
    assert response.status_code == 429 and "Zu viele Fehlversuche" in response.get_data(as_text=True)


def test_a_new_password_ends_other_sessions(client, auth, store):
    account = auth.register_account(store, "lena@hs-donau.example", PASSWORD, name="Lena Huber")
    auth.login(client, "lena@hs-donau.example", PASSWORD)
    assert "Lena Huber" in client.get("/").get_data(as_text=True)
    service.set_password(store, account["id"], "Neues-Passwort-2026")
    assert "Lena Huber" not in client.get("/").get_data(as_text=True)


# -- password reset ------------------------------------------------------------------------


def test_password_reset_through_the_outbox(app, client, auth, store):
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    response = client.post("/reset", data={"email": "lena@hs-donau.example", "csrf_token": csrf_token(client, "/reset")})
    assert response.status_code == 302
    client.post("/reset", data={"email": "niemand@example.org", "csrf_token": csrf_token(client, "/reset")})
    mails = list(outbox(app))
    assert [m["to"] for m in mails] == ["lena@hs-donau.example"]
    link = next(line for line in mails[0]["body"].splitlines() if "/reset/" in line).strip()
    path = link[link.index("/reset/"):]
    token = path.rsplit("/", 1)[1]
    assert token not in str(_only_account(store))  # only a hash is stored

    page = client.get(path)
    assert page.status_code == 200
    weak = client.post(path, data={"password": "zu-kurz", "password_confirm": "zu-kurz",
                                   "csrf_token": csrf_token(client, path)})
    assert weak.status_code == 400 and "mindestens 10 Zeichen" in weak.get_data(as_text=True)
    done = client.post(path, data={"password": "Neues-Passwort-2026", "password_confirm": "Neues-Passwort-2026",
                                   "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert client.get(path).status_code == 400  # used up
    assert auth.login(client, "lena@hs-donau.example", PASSWORD).status_code == 401
    assert auth.login(client, "lena@hs-donau.example", "Neues-Passwort-2026").status_code == 302


def test_expired_reset_link_is_refused(client, auth, store):
    account = auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    _account, token = service.start_password_reset(store, "lena@hs-donau.example",
                                                   now=datetime.now(timezone.utc) - timedelta(minutes=61))
    response = client.get(f"/reset/{token}")
    assert response.status_code == 400 and "abgelaufen" in response.get_data(as_text=True)
    assert client.post(f"/reset/{token}", data={"password": "Neues-Passwort-2026",
                                                "password_confirm": "Neues-Passwort-2026",
                                                "csrf_token": csrf_token(client, "/reset")}).status_code == 400
    assert store.get_node(Label.ACCOUNT, account["id"])["password_hash"] == account["password_hash"]


# -- roles -----------------------------------------------------------------------------------


def test_roles_guard_pages(probe, client, auth, store):
    store.create_node(Label.ORGANIZATION, gen_org(1))
    response = client.get("/staff/accounts")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/staff/accounts")
    auth.register_account(store, "lena@hs-donau.example", PASSWORD, organization_id="org-1")
    auth.login(client, "lena@hs-donau.example", PASSWORD)
    assert client.get("/staff/accounts").status_code == 403
    assert client.get("/_probe/admin").status_code == 403
    assert client.get("/_probe/member").get_json() == {"role": "member", "organization_id": "org-1"}
    auth.logout(client)
    auth.register_account(store, "team@ki-m.example", PASSWORD, role="staff")
    auth.login(client, "team@ki-m.example", PASSWORD)
    assert client.get("/staff/accounts").status_code == 200
    assert client.get("/_probe/admin").status_code == 403


def test_unapproved_accounts_are_anonymous_viewers(probe, client, auth, store):
    auth.register_account(store, "neu@example.org", PASSWORD, approved=False)
    auth.login(client, "neu@example.org", PASSWORD)
    response = client.get("/_probe/member")
    assert response.status_code == 403
    assert "wartet auf die Freigabe" in response.get_data(as_text=True)


def test_api_paths_answer_json_401_and_403(probe, client, auth, store):
    response = client.get("/api/v1/_probe/staff")
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    auth.login(client, "lena@hs-donau.example", PASSWORD)
    response = client.get("/api/v1/_probe/staff")
    assert response.status_code == 403 and response.get_json()["error"]["message"]
    assert client.get("/api/v1/nothing-here").get_json() == {
        "error": {"status": 404, "message": "Unter dieser Adresse gibt es keine Seite. Vielleicht ist der Link veraltet."}}


def test_api_tokens_authenticate_and_skip_csrf_only_for_token_requests(probe, app, auth, store):
    account = auth.register_account(store, "lena@hs-donau.example", PASSWORD, organization_id="org-9")
    token = service.issue_api_token(store, account["id"])
    assert token not in str(store.get_node(Label.ACCOUNT, account["id"]))
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/_probe/write", headers=bearer).get_json()["role"] == "member"
    assert api.post("/api/v1/_probe/write", headers={"Authorization": "Bearer kim_wrong"}).status_code == 401
    # a browser session without a CSRF token is still refused on the same endpoint
    browser = app.test_client()
    auth.login(browser, "lena@hs-donau.example", PASSWORD)
    assert browser.post("/api/v1/_probe/write").status_code == 400
    service.revoke_api_token(store, account["id"])
    assert api.post("/api/v1/_probe/write", headers=bearer).status_code == 401


# -- CSRF ------------------------------------------------------------------------------------


def test_forms_without_csrf_token_are_rejected_and_store_nothing(client, auth, store):
    response = client.post("/register", data=_registration())
    assert response.status_code == 400
    assert "Formular ist abgelaufen" in response.get_data(as_text=True)
    assert store.count_nodes(Label.ACCOUNT) == 0 and store.count_nodes(Label.ORGANIZATION) == 0
    auth.register_account(store, "lena@hs-donau.example", PASSWORD, name="Lena Huber")
    response = client.post("/login", data={"email": "lena@hs-donau.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Lena Huber" not in client.get("/").get_data(as_text=True)
    response = client.post("/login", data={"email": "lena@hs-donau.example", "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_cli_creates_an_approved_staff_account(runner, store):
    result = runner.invoke(args=["kim", "create-account", "team@ki-m.example", "--role", "staff"],
                           env={"KIM_ACCOUNT_PASSWORD": "Zugspitze-Morgen-42"})
    assert result.exit_code == 0, result.output
    account = _only_account(store)
    assert account["role"] == "staff" and account["approved"] is True
    weak = runner.invoke(args=["kim", "create-account", "x@ki-m.example"], env={"KIM_ACCOUNT_PASSWORD": "kurz"})
    assert weak.exit_code != 0 and "10 Zeichen" in weak.output
    assert store.count_nodes(Label.ACCOUNT) == 1
