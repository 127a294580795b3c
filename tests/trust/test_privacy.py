"""Data protection as a member experiences it: consent record, my-data export, deletion, audit log, retention."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kim_network.services import audit
from kim_network.services.accounts import CONSENT_VERSION
from kim_network.core.model import Label, Rel
from kim_network.services import privacy as privacy
from tests.conftest import csrf_token, gen_org, gen_skill

PASSWORD = "Redaktion-Nord-7"
ANNA = "anna.huber@isar-medien.example"
BEN = "ben.koenig@alpen-ki.example"
STAFF = "team@ki-m.example"


@pytest.fixture
def world(store, auth):
    """Two organisations, Anna (person + account at A) and Ben (account at B), staff, and traffic between them."""
    store.upsert_nodes(Label.ORGANIZATION, [
        gen_org(1, id="org-isar", name="Isar Medien GmbH"),
        gen_org(2, id="org-alpen", name="Alpen KI Labs", kind="tech_provider"),
    ])
    store.upsert_nodes(Label.SKILL, [gen_skill("asr", "Spracherkennung", "Speech recognition")])
    store.create_node(Label.PERSON, {
        "id": "person-anna", "name": "Anna Huberlein", "kind": "media_professional",
        "email": ANNA, "email_visibility": "members", "visibility": "public",
        "description_de": "Leitet die Datenredaktion",
    })
    store.upsert_edges(Rel.WORKS_AT, [{"source": "person-anna", "target": "org-isar", "role": "Redaktionsleitung"}])
    store.upsert_edges(Rel.HAS_SKILL, [{"source": "person-anna", "target": "asr", "source_label": "Person"}])
    anna = auth.register_account(store, ANNA, PASSWORD, organization_id="org-isar", person_id="person-anna",
                                 name="Anna Huberlein")
    store.update_node(Label.PERSON, "person-anna", {"account_id": anna["id"]})
    ben = auth.register_account(store, BEN, PASSWORD, organization_id="org-alpen", name="Ben König")
    staff = auth.register_account(store, STAFF, PASSWORD, role="staff", name="KI.M Team")
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    store.create_node(Label.INTRODUCTION, {
        "id": "intro-sent", "requester_account": anna["id"], "requester_org": "org-isar",
        "target_org": "org-alpen", "message": "Hallo Ben, Anna Huberlein hier: wir suchen ASR.",
        "status": "accepted", "created_at": now})
    store.create_node(Label.INTRODUCTION, {
        "id": "intro-received", "requester_account": ben["id"], "requester_org": "org-alpen",
        "target_org": "org-isar", "message": "Interesse an Daten?", "status": "requested", "created_at": now})
    store.create_node(Label.FEEDBACK, {"id": "fb-anna", "account": anna["id"], "subject": "org-isar",
                                       "target": "org-alpen", "value": "useful", "created_at": now})
    store.create_node(Label.FEEDBACK, {"id": "fb-ben", "account": ben["id"], "subject": "org-alpen",
                                       "target": "org-isar", "value": "hide", "created_at": now})
    store.create_node(Label.NOTIFICATION, {"id": "note-anna", "account": anna["id"], "kind": "x",
                                           "text_de": "Neue Anfrage", "text_en": "New request", "created_at": now})
    store.create_node(Label.NOTIFICATION, {
        "id": "note-ben", "account": ben["id"], "kind": "introduction_requested",
        "text_de": "Anna Huberlein (Isar Medien GmbH) bittet um eine Vorstellung",
        "text_en": "Anna Huberlein (Isar Medien GmbH) asks for an introduction",
        "link": "/introductions/intro-sent", "created_at": now})
    approved = audit.record(store, staff["id"], "account.approve", anna["id"], ANNA)
    earlier = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    store.update_node(Label.AUDIT, approved["id"], {"created_at": earlier})
    return {"anna": anna, "ben": ben, "staff": staff}


def _counts(store) -> dict:
    return {label.value: store.count_nodes(label) for label in Label} | {"edges": store.count_edges()}


# -- consent -------------------------------------------------------------------------


def test_my_data_page_shows_consent_version_and_links_its_text(client, auth, world):
    auth.login(client, ANNA, PASSWORD)
    page = client.get("/account").get_data(as_text=True)
    assert "2026-01" in page
    assert "/privacy/consent/2026-01" in page
    text = client.get("/privacy/consent/2026-01")
    assert text.status_code == 200
    assert "2026-01" in text.get_data(as_text=True)
    assert client.get("/privacy/consent/1999-99").status_code == 404


def test_registration_records_consent_version_and_time(client, store):
    data = {
        "name": "Clara Vogt", "email": "clara@donau-studio.example", "password": PASSWORD,
        "password_confirm": PASSWORD, "organization_mode": "new", "organization_name": "Donau Studio",
        "organization_kind": "media_company", "organization_city": "Regensburg", "consent": "y",
        "csrf_token": csrf_token(client, "/register"),
    }
    assert client.post("/register", data=data).status_code == 302
    account = store.list_nodes(Label.ACCOUNT, {"email": "clara@donau-studio.example"}).items[0]
    assert account["consent_version"] == CONSENT_VERSION
    assert CONSENT_VERSION in privacy.CONSENT_TEXTS
    assert datetime.fromisoformat(account["consent_at"]) > datetime.now(timezone.utc) - timedelta(minutes=5)


def test_registration_without_consent_stores_nothing(client, store):
    before = _counts(store)
    data = {
        "name": "Clara Vogt", "email": "clara@donau-studio.example", "password": PASSWORD,
        "password_confirm": PASSWORD, "organization_mode": "new", "organization_name": "Donau Studio",
        "organization_kind": "media_company", "organization_city": "Regensburg",
        "csrf_token": csrf_token(client, "/register"),
    }
    assert client.post("/register", data=data).status_code == 400
    assert _counts(store) == before


# -- export -----------------------------------------------------------------------------


def test_export_holds_everything_about_me_and_nothing_secret(client, auth, world):
    auth.login(client, ANNA, PASSWORD)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["account"]["email"] == ANNA
    assert data["consent"]["version"] in privacy.CONSENT_TEXTS
    assert data["person"]["name"] == "Anna Huberlein"
    rels = {(r["type"], r["target"]) for r in data["person_relationships"]}
    assert {("WORKS_AT", "org-isar"), ("HAS_SKILL", "asr")} <= rels
    # Which organisation I belong to, as a reference: its record is the organisation's, not mine.
    assert data["organization"] == {"id": "org-isar", "name": "Isar Medien GmbH", "status": "confirmed"}
    assert [i["id"] for i in data["introductions_sent"]] == ["intro-sent"]
    assert "introductions_received" not in data and "intro-received" not in body
    assert [f["id"] for f in data["feedback"]] == ["fb-anna"]
    assert [n["id"] for n in data["notifications"]] == ["note-anna"]
    assert [a["action"] for a in data["audit_entries"]] == ["account.approve"]
    # No secrets, and nobody else's private records.
    for secret in ("password_hash", "api_token_hash", "reset_token_hash", "scrypt:"):
        assert secret not in body
    assert "fb-ben" not in body and "note-ben" not in body


def test_export_needs_login(client, world):
    response = client.get("/account/export")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# -- deletion -------------------------------------------------------------------------


def _delete(client, password=PASSWORD, confirm=True, token=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "y"
    if token:
        data["csrf_token"] = csrf_token(client, "/account/delete")
    return client.post("/account/delete", data=data)


@pytest.mark.parametrize("kwargs", [
    pytest.param({"token": False}, id="no-csrf-token"),
    pytest.param({"password": "Falsch-Passwort-1"}, id="wrong-password"),
    pytest.param({"password": ""}, id="empty-password"),
    pytest.param({"confirm": False}, id="not-confirmed"),
])
def test_deletion_refused_keeps_everything(client, auth, store, world, kwargs):
    auth.login(client, ANNA, PASSWORD)
    before, changes = _counts(store), store.change_counter()
    response = _delete(client, **kwargs)
    assert response.status_code == 400
    assert _counts(store) == before
    assert store.change_counter() == changes
    assert store.get_node(Label.ACCOUNT, world["anna"]["id"]) is not None


def test_deletion_removes_the_person_and_keeps_anonymised_counts(client, auth, store, world):
    anna_id = world["anna"]["id"]
    auth.login(client, ANNA, PASSWORD)
    response = _delete(client)
    assert response.status_code == 302

    # Gone from the graph, search and every export.
    assert store.get_node(Label.ACCOUNT, anna_id) is None
    assert store.get_node(Label.PERSON, "person-anna") is None
    assert store.edges(Label.ORGANIZATION, "org-isar", Rel.WORKS_AT, "in") == []
    assert store.search("Huberlein")[1] == 0
    exported = json.dumps([n for _, n in store.export_nodes()], ensure_ascii=False)
    assert "Huberlein" not in exported and ANNA not in exported
    assert anna_id not in exported  # no record points to her any more

    # Introductions keep their status, lose who asked and what they wrote.
    intro = store.get_node(Label.INTRODUCTION, "intro-sent")
    assert intro["status"] == "accepted"
    assert intro["requester_account"] == privacy.DELETED
    assert "message" not in intro
    assert store.get_node(Label.INTRODUCTION, "intro-received")["status"] == "requested"

    # Her feedback and notifications are deleted; Ben's stay.
    assert store.get_node(Label.FEEDBACK, "fb-anna") is None
    assert store.get_node(Label.FEEDBACK, "fb-ben") is not None
    assert store.get_node(Label.NOTIFICATION, "note-anna") is None
    assert store.get_node(Label.ORGANIZATION, "org-isar") is not None

    # One count-only audit entry.
    deletions = store.list_nodes(Label.AUDIT, {"action": "account.delete"}).items
    assert len(deletions) == 1
    assert json.loads(deletions[0]["detail"])["accounts_deleted"] == 1
    assert "subject" not in deletions[0]

    # Logged out: the account pages ask for a login again.
    assert "/login" in client.get("/account").headers["Location"]


def test_deleted_member_vanishes_from_organisation_graph_export(client, auth, store, world):
    from kim_network.importers.export import export_graph
    from kim_network.core.visibility import STAFF as STAFF_VIEWER

    auth.login(client, ANNA, PASSWORD)
    assert _delete(client).status_code == 302
    document = json.dumps(export_graph(store, STAFF_VIEWER), ensure_ascii=False, default=str)
    assert "Huberlein" not in document


def test_last_admin_cannot_delete_themselves(client, auth, store, world):
    auth.register_account(store, "admin@ki-m.example", PASSWORD, role="admin")
    auth.login(client, "admin@ki-m.example", PASSWORD)
    before = _counts(store)
    response = _delete(client)
    assert response.status_code == 400
    assert "letzte Administrationskonto" in response.get_data(as_text=True)  # German UI by default
    assert _counts(store) == before


def test_pending_organisation_registered_alone_is_deleted_with_its_account(client, store):
    data = {
        "name": "Clara Vogt", "email": "clara@donau-studio.example", "password": PASSWORD,
        "password_confirm": PASSWORD, "organization_mode": "new", "organization_name": "Donau Studio",
        "organization_kind": "media_company", "organization_city": "Regensburg",
        "person_kind": "media_professional", "consent": "y", "csrf_token": csrf_token(client, "/register"),
    }
    assert client.post("/register", data=data).status_code == 302
    before = {label: store.count_nodes(label) for label in (Label.ORGANIZATION, Label.PERSON, Label.ACCOUNT)}
    assert before == {Label.ORGANIZATION: 1, Label.PERSON: 1, Label.ACCOUNT: 1}
    client.post("/login", data={"email": data["email"], "password": PASSWORD, "csrf_token": csrf_token(client)})
    # Not approved yet: the right to erasure holds all the same.
    assert _delete(client).status_code == 302
    assert {label: store.count_nodes(label) for label in before} == {label: 0 for label in before}


# -- audit log ---------------------------------------------------------------------------


def test_staff_reads_the_audit_log_in_pages(client, auth, store, world):
    for i in range(audit.PAGE_SIZE + 3):
        audit.record(store, world["staff"]["id"], "profile.edit", f"org-{i}", {"field": "name"})
    auth.login(client, STAFF, PASSWORD)
    first = client.get("/staff/audit")
    assert first.status_code == 200
    assert "profile.edit" in first.get_data(as_text=True)
    assert "page=2" in first.get_data(as_text=True)
    assert "KI.M Team" in first.get_data(as_text=True)  # the actor by name, not by id
    second = client.get("/staff/audit?page=2")
    assert second.status_code == 200
    assert "account.approve" in second.get_data(as_text=True)
    for bad in ("0", "-1", "x", "1e9", "99999999999"):
        assert client.get(f"/staff/audit?page={bad}").status_code == 400


def test_members_do_not_see_the_audit_log(client, auth, world):
    assert "/login" in client.get("/staff/audit").headers["Location"]
    auth.login(client, ANNA, PASSWORD)
    assert client.get("/staff/audit").status_code == 403


def test_staff_approval_is_audited(client, auth, store, world):
    pending = auth.register_account(store, "neu@example.org", PASSWORD, approved=False)
    auth.login(client, STAFF, PASSWORD)
    token = csrf_token(client, "/staff/accounts")
    assert client.post(f"/staff/accounts/{pending['id']}/approve", data={"csrf_token": token}).status_code == 302
    entries = store.list_nodes(Label.AUDIT, {"subject": pending["id"]}).items
    assert [e["action"] for e in entries] == ["account.approve"]
    assert entries[0]["actor"] == world["staff"]["id"]


# -- retention -------------------------------------------------------------------------------


def test_purge_command_removes_old_messages_only(app, store, world):
    old = (datetime.now(timezone.utc) - timedelta(days=400)).isoformat(timespec="seconds")
    store.update_node(Label.INTRODUCTION, "intro-sent", {"created_at": old, "reply": "Gerne!"})
    result = app.test_cli_runner().invoke(args=["kim", "purge-introductions"])
    assert result.exit_code == 0, result.output
    assert "1 introductions" in result.output
    purged = store.get_node(Label.INTRODUCTION, "intro-sent")
    assert "message" not in purged and "reply" not in purged and purged["status"] == "accepted"
    assert store.get_node(Label.INTRODUCTION, "intro-received")["message"] == "Interesse an Daten?"
    again = app.test_cli_runner().invoke(args=["kim", "purge-introductions", "--days", "0"])
    assert again.exit_code == 0 and "1 introductions" in again.output
    assert app.test_cli_runner().invoke(args=["kim", "purge-introductions", "--days", "-1"]).exit_code != 0


def test_staff_edits_of_my_profile_are_in_my_export_and_lose_my_identity_on_deletion(client, auth, store, world):
    from kim_network.services.profiles import update_profile
    from kim_network.core.visibility import Viewer

    staff = Viewer(role="staff", account_id=world["staff"]["id"])
    update_profile(store, staff, Label.PERSON, "person-anna", {"title": "Chefredakteurin"})
    edits = [e for e in store.list_nodes(Label.AUDIT, {"actor": world["staff"]["id"]}).items
             if e["action"] != "account.approve"]
    assert len(edits) == 1 and "person-anna" in edits[0]["subject"]

    auth.login(client, ANNA, PASSWORD)
    exported = client.get("/account/export").get_json()
    assert edits[0]["id"] in {e["id"] for e in exported["audit_entries"]}

    assert _delete(client).status_code == 302
    scrubbed = store.get_node(Label.AUDIT, edits[0]["id"])
    assert scrubbed["subject"] == privacy.DELETED and "detail" not in scrubbed


# -- visibility is applied everywhere a profile can appear ----------------------------------------


@pytest.mark.parametrize("url", [
    "/search?q=Verborgen", "/search?q=Vera", "/api/v1/search?q=Verborgen", "/api/v1/search?q=Vera", "/api/v1/organizations", "/api/v1/people",
    "/organizations/org-hidden", "/people/person-hidden", "/api/v1/organizations/org-hidden",
])
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_a_staff_only_profile_is_hidden_everywhere(world_app, url, role):
    from tests.trust.world import login_as

    app, store = world_app
    client = app.test_client()
    login_as(client, store, role)
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert "Verborgene Agentur" not in body and "Vera Verborgen" not in body
    if url.startswith(("/organizations/", "/people/", "/api/v1/organizations/")):
        assert response.status_code == 404


def test_staff_see_the_staff_only_profile(world_app):
    from tests.trust.world import login_as

    app, store = world_app
    client = app.test_client()
    login_as(client, store, "staff")
    assert "Verborgene Agentur" in client.get("/organizations/org-hidden").get_data(as_text=True)
    # The searches above would find it: the hiding is visibility, not a search miss.
    assert "Verborgene Agentur" in client.get("/api/v1/search?q=Verborgen").get_data(as_text=True)
    assert "Vera Verborgen" in client.get("/search?q=Vera").get_data(as_text=True)


def test_contact_fields_follow_their_own_visibility(world_app):
    from tests.trust.world import login_as

    app, store = world_app
    email = "anna@isar-medien.example"  # person-a: profile public, e-mail for members only
    anonymous = app.test_client()
    assert "Anna Isar" in anonymous.get("/people/person-a").get_data(as_text=True)
    assert email not in anonymous.get("/people/person-a").get_data(as_text=True)
    assert email not in anonymous.get("/api/v1/people/person-a").get_data(as_text=True)
    member = app.test_client()
    login_as(member, store, "other")
    assert email in member.get("/people/person-a").get_data(as_text=True)
    store.update_node(Label.PERSON, "person-a", {"email_visibility": "staff"})
    assert email not in member.get("/people/person-a").get_data(as_text=True)
    assert email not in member.get("/api/v1/people/person-a").get_data(as_text=True)


def test_role_changes_are_audited(app, store, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kim", "set-role", BEN, "staff", "--actor", world["staff"]["id"]])
    assert result.exit_code == 0, result.output
    assert store.get_node(Label.ACCOUNT, world["ben"]["id"])["role"] == "staff"
    entries = store.list_nodes(Label.AUDIT, {"action": "account.role"}).items
    assert [(e["subject"], json.loads(e["detail"])) for e in entries] == [
        (world["ben"]["id"], {"from": "member", "to": "staff"})]
    assert runner.invoke(args=["kim", "set-role", "niemand@example.org", "admin"]).exit_code != 0
    assert runner.invoke(args=["kim", "set-role", BEN, "emperor"]).exit_code != 0
    assert store.count_nodes(Label.AUDIT) == 2  # the approval in the world and this change


MAP_AND_LISTS = ["/api/v1/map", "/api/v1/map/export.csv", "/api/v1/map/export.graphml", "/api/v1/analytics",
                 "/api/v1/search?q=Anna", "/api/v1/people", "/search?q=Anna"]


def test_a_deleted_member_leaves_map_analytics_search_and_lists(world_app):
    from tests.trust.world import PASSWORD as WORLD_PASSWORD
    from tests.trust.world import login_as

    app, store = world_app
    staff = app.test_client()
    login_as(staff, store, "staff")
    assert all("Anna Isar" in staff.get(url).get_data(as_text=True) for url in MAP_AND_LISTS)

    member = app.test_client()
    login_as(member, store, "member")
    response = member.post("/account/delete", data={
        "password": WORLD_PASSWORD, "confirm": "y", "csrf_token": csrf_token(member, "/account/delete")})
    assert response.status_code == 302
    for url in MAP_AND_LISTS:
        assert "Anna Isar" not in staff.get(url).get_data(as_text=True), url


def test_the_deletion_form_is_no_password_oracle(client, auth, store, world):
    auth.login(client, ANNA, PASSWORD)
    statuses = [_delete(client, password=f"Falsch-Passwort-{i}").status_code for i in range(6)]
    assert statuses == [400] * 5 + [429]
    assert _delete(client).status_code == 429  # even the right password waits
    assert store.get_node(Label.ACCOUNT, world["anna"]["id"]) is not None
