"""A small fictional world for the trust tests: two member organisations, staff, admin, a pending registration.

Roles, as the authorization matrix names them:
  anonymous   not logged in
  member      approved member of org-a ("Isar Medien"), owner of person-a
  other       approved member of org-c ("Frankenwerk"), party to nothing of org-a's
  staff       approved KI.M staff
  admin       approved administrator
`World.url(rule)` fills a route's variables with ids from this world, so every route of
the app can be requested without knowing it in advance.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pytest

from kim_network.core.model import Label, Rel
from tests.support.world import PASSWORD, password_hash

NOW = "2026-11-01T10:00:00+00:00"

ACCOUNTS = {
    "member": {"id": "acc-member", "email": "anna@isar-medien.example", "name": "Anna Isar",
               "role": "member", "organization_id": "org-a", "person_id": "person-a"},
    "other": {"id": "acc-other", "email": "carl@frankenwerk.example", "name": "Carl Franke",
              "role": "member", "organization_id": "org-c", "person_id": "person-c"},
    "target": {"id": "acc-target", "email": "berta@alpen-ki.example", "name": "Berta Alpen",
               "role": "member", "organization_id": "org-b"},
    "staff": {"id": "acc-staff", "email": "team@ki-m.example", "name": "KI.M Team", "role": "staff"},
    "admin": {"id": "acc-admin", "email": "admin@ki-m.example", "name": "KI.M Admin", "role": "admin"},
    "pending": {"id": "acc-pending", "email": "neu@donau-studio.example", "name": "Nora Neu",
                "role": "member", "organization_id": "org-pending", "approved": False},
}
ROLES = ("anonymous", "member", "other", "staff", "admin")

# Values for route variables. Add one here when a new route introduces a new variable.
IDS = {
    "org_id": "org-a",
    "organization_id": "org-a",
    "person_id": "person-a",
    "intro_id": "intro-ab",
    "team_id": "team-a",
    "account_id": "acc-pending",
    "token": "no-such-reset-token",
    "version": "2026-01",
    "filename": "css/app.css",
    "skill_id": "asr",
    "project_id": "proj-1",
    "call_id": "call-1",
    "event_id": "event-1",
    "meeting_id": "meet-ab",
    "region_id": "DE21",
    "note_id": "note-member",
    "notification_id": "note-member",
    "source_id": "org-c",
    "target_id": "org-b",
    "kind": "organizations",
    "community_id": "0",
    "subject": "org-a",
    "fmt": "json",
    "format": "json",
}


def _org(oid, name, **extra):
    return {"id": oid, "name": name, "kind": "media_company", "city": "München", "region": "DE21",
            "country": "DE", "visibility": "public", "description_de": f"{name}: Medien und KI",
            "contact_email": f"kontakt@{oid}.example", "created_at": NOW, "updated_at": NOW, **extra}


@dataclass
class World:
    ids: dict = field(default_factory=lambda: dict(IDS))

    def url(self, rule: str) -> str:
        def fill(match):
            name = match.group(1).split(":")[-1]
            if name not in self.ids:
                raise KeyError(f"tests/trust/world.py IDS has no value for the route variable <{name}> in {rule}")
            return str(self.ids[name])

        return re.sub(r"<([^>]+)>", fill, rule)


def seed_world(store) -> World:
    """Write the world into an empty store and return it."""
    store.upsert_nodes(Label.REGION, [{"id": "DE21", "name": "Oberbayern", "level": 2, "country": "DE"}])
    store.upsert_nodes(Label.SKILL, [
        {"id": "ai", "label_de": "Künstliche Intelligenz", "label_en": "Artificial intelligence", "source": "kim"},
        {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition", "source": "kim"},
        {"id": "factcheck", "label_de": "Faktenprüfung", "label_en": "Fact-checking", "source": "kim"},
    ])
    store.upsert_edges(Rel.BROADER, [{"source": "asr", "target": "ai"}, {"source": "factcheck", "target": "ai"}])
    store.upsert_nodes(Label.ORGANIZATION, [
        _org("org-a", "Isar Medien GmbH", sme=True, street="Isarweg 1", postcode="80331",
             contact_phone="+49 89 1234567"),
        _org("org-b", "Alpen KI Labs", kind="tech_provider", city="Rosenheim"),
        _org("org-c", "Frankenwerk Rundfunk", city="Nürnberg", region="DE25"),
        _org("org-members", "Lechfeld Daten eG", visibility="members"),
        _org("org-hidden", "Verborgene Agentur", visibility="staff"),
        _org("org-pending", "Donau Studio", pending=True, visibility="members", source="registration"),
    ])
    store.upsert_nodes(Label.PERSON, [
        {"id": "person-a", "name": "Anna Isar", "kind": "media_professional", "visibility": "public",
         "email": "anna@isar-medien.example", "email_visibility": "members", "account_id": "acc-member",
         "created_at": NOW},
        {"id": "person-c", "name": "Carl Franke", "kind": "researcher", "visibility": "public",
         "account_id": "acc-other", "created_at": NOW},
        {"id": "person-hidden", "name": "Vera Verborgen", "kind": "expert", "visibility": "staff", "created_at": NOW},
    ])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "person-a", "target": "org-a"},
                                      {"source": "person-c", "target": "org-c"},
                                      {"source": "person-hidden", "target": "org-hidden"}])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-b", "target": "asr"}, {"source": "org-c", "target": "factcheck"}])
    store.upsert_edges(Rel.NEEDS, [{"source": "org-a", "target": "asr"}])
    store.upsert_edges(Rel.HAS_SKILL, [{"source": "person-a", "target": "factcheck", "source_label": "Person"}])
    store.upsert_nodes(Label.PROJECT, [{"id": "proj-1", "title": "Dialektfeste Spracherkennung", "acronym": "DIALEKTA",
                                        "start_date": "2023-01-01", "visibility": "public"}])
    store.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "org-a", "target": "proj-1", "role": "coordinator"},
                                             {"source": "org-b", "target": "proj-1", "role": "participant"}])
    store.upsert_nodes(Label.CALL, [{"id": "call-1", "title": "KI für Lokaljournalismus", "min_partners": 2,
                                     "deadline": "2027-03-01"}])
    store.upsert_edges(Rel.REQUIRES, [{"source": "call-1", "target": "asr", "source_label": "Call"}])
    # An upcoming matchmaking event: the member and person-b (Alpen KI Labs) take part, and the
    # member asked person-b for a meeting.
    store.upsert_nodes(Label.EVENT, [{
        "id": "event-1", "title": "KI.M Matchmaking Abend", "date": "2031-06-03", "start_time": "13:30",
        "end_time": "17:00", "tables": 2, "registration_deadline": "2031-06-02T18:00", "visibility": "public",
        "slots": ["2031-06-03T14:00/2031-06-03T14:20", "2031-06-03T14:20/2031-06-03T14:40"]}])
    store.upsert_nodes(Label.PERSON, [{"id": "person-b", "name": "Bernd Alpen", "kind": "expert",
                                       "visibility": "members", "created_at": NOW}])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "person-b", "target": "org-b"}])
    slots = ["2031-06-03T14:00", "2031-06-03T14:20"]
    store.upsert_edges(Rel.ATTENDS, [
        {"source": "person-a", "target": "event-1", "status": "registered", "organization": "org-a",
         "availability": slots, "looks_for": ["asr"], "registered_at": NOW},
        {"source": "person-b", "target": "event-1", "status": "registered", "organization": "org-b",
         "availability": slots, "offers": ["asr"], "registered_at": NOW}])
    store.create_node(Label.MEETING, {
        "id": "meet-ab", "event": "event-1", "requester": "person-a", "recipient": "person-b",
        "requester_account": "acc-member", "requester_org": "org-a", "recipient_org": "org-b",
        "status": "requested", "message": "Spracherkennung?", "value": 1.0, "created_at": NOW})
    for spec in ACCOUNTS.values():
        store.create_node(Label.ACCOUNT, {
            "approved": True, **spec, "password_hash": password_hash(), "consent_version": "2026-01",
            "consent_at": NOW, "created_at": NOW, "failed_logins": 0, "language": "de"})
    store.create_node(Label.INTRODUCTION, {
        "id": "intro-ab", "requester_account": "acc-member", "requester_org": "org-a", "target_org": "org-b",
        "message": "Wir suchen Spracherkennung für Dialekte.", "status": "requested", "created_at": NOW})
    store.create_node(Label.TEAM, {"id": "team-a", "account": "acc-member", "title": "Team A",
                                   "data": '{"members": [], "gaps": [], "covered": [], "rules": []}',
                                   "created_at": NOW})
    store.create_node(Label.NOTIFICATION, {"id": "note-member", "account": "acc-member", "kind": "test",
                                           "text_de": "Hallo", "text_en": "Hello", "read": False, "created_at": NOW})
    store.create_node(Label.AUDIT, {"id": "audit-1", "actor": "acc-staff", "action": "account.approve",
                                    "subject": "acc-member", "created_at": NOW})
    return World()


EVENT_SLOTS = ("2031-06-03T14:00", "2031-06-03T14:20")


def seed_incoming_request(store) -> str:
    """Carl (the "other" member) registers for event-1 too and asks the member for a meeting in
    the first slot, through the services; returns the meeting's id. The member is then the
    side who answers it (in the plain world the member only asks)."""
    from kim_network.core.visibility import Viewer
    from kim_network.services import events, meetings

    spec = ACCOUNTS["other"]
    carl = Viewer(role="member", account_id=spec["id"], organization_id=spec["organization_id"],
                  person_id=spec["person_id"])
    events.register(store, carl, "event-1")
    return meetings.request(store, carl, "event-1", "person-a", EVENT_SLOTS[0], "Faktenprüfung im Lokalen?")["id"]


def sqlite_app(tmp_path, **config):
    """An app on a fresh, migrated SQLite store in `tmp_path` (CSRF on, like production)."""
    """A setting given as None is left to the app's default (see `tests.support.app.make_app`)."""
    from tests.support.app import make_app

    store = fresh_store(tmp_path)
    app = make_app(store, tmp_path, drop=tuple(k for k, v in config.items() if v is None),
                   **{k: v for k, v in config.items() if v is not None})
    return app, store


def use_store(app, store) -> None:
    """Point an existing app at another store and forget what the app cached about the old one.

    Building an app compiles every template anew, so tests with hundreds of cases share
    one app and give each case a fresh store through this.
    """
    for key in [k for k in app.extensions if k.startswith("kim_") and k not in ("kim_store_lock", "kim_has_page")]:
        app.extensions.pop(key)
    app.extensions["kim_store"] = store


# The authorization matrix and the hostile-input catalogue run on both adapters.
STORE_KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


class SeededStore:
    """One store holding the world, shared by many cases and seeded again only after a case
    changed it (its change counter moved): a Neo4j round trip per write makes seeding the
    world for each of hundreds of cases too slow."""

    def __init__(self, app, store):
        self.app, self.store, self.seen = app, store, None

    def world(self):
        if self.seen is None or self.store.change_counter() != self.seen:
            self.store.clear()
            seed_world(self.store)
            use_store(self.app, self.store)
            self.seen = self.store.change_counter()
        return self.app, self.store


def shared_world_app(request, tmp_path_factory, name: str):
    """A module's shared app and, on Neo4j, its SeededStore (None on SQLite: a fresh file per case)."""
    app, store = sqlite_app(tmp_path_factory.mktemp(name))
    store.close()
    if request.param == "sqlite":
        return app, None
    return app, SeededStore(app, request.getfixturevalue("neo4j_session_store"))


def world_for_case(shared, tmp_path):
    """`(app, store, close)` for one case: a freshly seeded SQLite file, or the shared Neo4j world."""
    app, seeded = shared
    if seeded is not None:
        return (*seeded.world(), lambda: None)
    store = fresh_store(tmp_path)
    use_store(app, store)
    seed_world(store)
    return app, store, store.close


def fresh_store(tmp_path):
    from kim_network.store.sqlite import SQLiteStore

    store = SQLiteStore(str(tmp_path / "world.sqlite3"))
    store.migrate()
    return store


def login_as(client, store, role: str) -> None:
    """Log the test client in as one of the world's accounts (without a password round trip)."""
    if role == "anonymous":
        return
    from kim_network.services.accounts import session_fingerprint

    account = store.get_node(Label.ACCOUNT, ACCOUNTS[role]["id"])
    with client.session_transaction() as session:
        session["_user_id"] = f"{account['id']}:{session_fingerprint(account)}"
        session["_fresh"] = True


@lru_cache(maxsize=1)
def all_rules() -> tuple[tuple[str, str], ...]:
    """Every (rule, method) the app serves, HEAD and OPTIONS aside."""
    from tests.support.app import make_app

    app = make_app()
    return tuple(sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ))


def write_rules() -> list[tuple[str, str]]:
    return [(rule, method) for rule, method in all_rules() if method in ("POST", "PUT", "PATCH", "DELETE")]


def outcome(response) -> str:
    """The outcome class of a response, as the authorization matrix writes it.

    ok         2xx, or a redirect anywhere but the login page
    login      a redirect to /login, or 401 (API)
    forbidden  403
    notfound   404 (also: a profile the viewer may not see)
    invalid    400, 409 or 422: allowed in, but the (empty) input was refused
    """
    from urllib.parse import urlsplit

    status = response.status_code
    if status == 401 or (300 <= status < 400 and urlsplit(response.headers.get("Location", "")).path == "/login"):
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "notfound"
    if 200 <= status < 400:
        return "ok"
    if status in (400, 409, 422):
        return "invalid"
    return f"status {status}"


# Query strings or form data a route needs to get past "which one?" to its access check.
QUERY = {("GET", "/introductions/new"): "?org=org-b"}
FORM = {("POST", "/introductions/new"): {"target_org": "org-b"}}


def request_as(client, world: World, role: str, method: str, rule: str, ids: dict | None = None):
    """Request `rule` as it would come from a browser (forms with a CSRF token) or an API client."""
    from tests.conftest import csrf_token

    if ids:
        world = World({**world.ids, **ids})
    url = world.url(rule) + QUERY.get((method, rule), "")
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    if rule.startswith("/api/"):
        return client.open(url, method=method, json={}, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={"csrf_token": token, **FORM.get((method, rule), {})})


def store_snapshot(store) -> tuple:
    """Everything stored, comparable: the change counter, every node and every edge."""
    nodes = sorted((label, json.dumps(node, sort_keys=True, ensure_ascii=False)) for label, node in store.export_nodes())
    edges = sorted((e.type, e.source, e.target, json.dumps(e.props, sort_keys=True)) for e in store.export_edges())
    return store.change_counter(), nodes, edges
