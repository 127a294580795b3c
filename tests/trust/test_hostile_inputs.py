"""A catalogue of hostile and malformed inputs across forms, the API and the importers.

Each case must get a clear 4xx answer (or, for importers, a row or file error), must leave
the store exactly as it was (change counter and counts), and must never answer 500. One
pytest id per case, so the size of the catalogue shows in the test report. Free text with
unusual but valid Unicode (emoji, combining marks, RTL script, NUL) is a separate list:
it is accepted, and what comes back is what a person typed (control characters removed).
Finally two sweeps over every route of the app: every GET with hostile listing parameters
(sort keys, labels, paging, injections) and every form POST with hostile values in every
usual field name; neither may answer 500 or change the graph.
"""
from __future__ import annotations

import json

import pytest

from kim_network.services.accounts import issue_api_token
from kim_network.importers.members import MemberFileError, import_member_file
from kim_network.core.model import Label
from tests.conftest import csrf_token
from tests.trust.world import (ACCOUNTS, PASSWORD, STORE_KINDS, login_as, shared_world_app, world_for_case,
                               store_snapshot as _snapshot)

INJECTION = "name) DETACH DELETE n //"
SQL = "x' OR '1'='1'; DROP TABLE nodes; --"
RLO = "\u202e"
ZWJ = "\u200d"
HUGE = "x" * 200_000
DEEP = "[" * 20_000 + "]" * 20_000


def _nest(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


# -- the API -----------------------------------------------------------------------------------
# (id, method, url, role, body) with body: a dict/list (sent as JSON), ("raw", bytes-or-text, content type).
ORG = "/api/v1/organizations/org-a"
API_CASES = [
    ("org-name-number", "PATCH", ORG, "member", {"name": 123}),
    ("org-name-array", "PATCH", ORG, "member", {"name": ["Isar", "Medien"]}),
    ("org-name-object", "PATCH", ORG, "member", {"name": {"$ne": ""}}),
    ("org-name-huge", "PATCH", ORG, "member", {"name": HUGE}),
    ("org-name-empty", "PATCH", ORG, "member", {"name": ""}),
    ("org-name-null", "PATCH", ORG, "member", {"name": None}),
    ("org-name-lone-surrogate", "PATCH", ORG, "member", ("raw", '{"name": "Isar \\ud800 Medien"}', "application/json")),
    ("org-description-lone-low-surrogate", "PATCH", ORG, "member",
     ("raw", '{"description_de": "Text \\udfff"}', "application/json")),
    ("org-name-rtl-override", "PATCH", ORG, "member", {"name": f"Isar {RLO}nedieM"}),
    ("org-name-zero-width-joiner", "PATCH", ORG, "member", {"name": f"Isar{ZWJ}Medien"}),
    ("org-kind-unknown", "PATCH", ORG, "member", {"kind": "spaceship"}),
    ("org-kind-injection", "PATCH", ORG, "member", {"kind": INJECTION}),
    ("org-visibility-unknown", "PATCH", ORG, "member", {"visibility": "everyone"}),
    ("org-sme-text", "PATCH", ORG, "member", {"sme": "maybe"}),
    ("org-unknown-field", "PATCH", ORG, "member", {"password_hash": "x"}),
    ("org-id-change", "PATCH", ORG, "member", {"id": "org-b"}),
    ("org-website-javascript", "PATCH", ORG, "member", {"website": "javascript:alert(document.cookie)"}),
    ("org-email-rtl-spoof", "PATCH", ORG, "member", {"contact_email": f"evil{RLO}ed.elpmaxe@x.de"}),
    ("org-email-not-an-address", "PATCH", ORG, "member", {"contact_email": "nicht-erreichbar"}),
    ("org-phone-script", "PATCH", ORG, "member", {"contact_phone": "<script>alert(1)</script>"}),
    ("org-skills-unknown", "PATCH", ORG, "member", {"offers": ["no-such-skill"]}),
    ("org-body-array", "PATCH", ORG, "member", []),
    ("org-body-string", "PATCH", ORG, "member", "name"),
    ("org-body-broken-json", "PATCH", ORG, "member", ("raw", '{"name": "Isar', "application/json")),
    ("org-body-latin1", "PATCH", ORG, "member", ("raw", '{"name": "M\xfcnchen"}'.encode("latin-1"), "application/json")),
    ("org-body-deeply-nested-array", "PATCH", ORG, "member", ("raw", '{"name": ' + DEEP + "}", "application/json")),
    ("org-body-deeply-nested-object", "PATCH", ORG, "member", ("raw", _nest(5000), "application/json")),
    ("org-body-text-plain", "PATCH", ORG, "member", ("raw", '{"name": "x"}', "text/plain")),
    ("org-body-form-encoded", "PATCH", ORG, "member", ("raw", "name=x", "application/x-www-form-urlencoded")),
    ("org-path-nul", "PATCH", "/api/v1/organizations/org%00a", "member", {"city": "Landshut"}),
    ("org-path-injection", "PATCH", "/api/v1/organizations/org-a'%20OR%20'1'='1", "member", {"city": "Landshut"}),
    ("org-of-other-member", "PATCH", "/api/v1/organizations/org-c", "member", {"city": "Landshut"}),
    ("org-create-duplicate-id", "POST", "/api/v1/organizations", "staff",
     {"id": "org-a", "name": "Zweite Isar", "kind": "media_company"}),
    ("org-create-bad-id", "POST", "/api/v1/organizations", "staff",
     {"id": "../../etc/passwd", "name": "Pfad", "kind": "media_company"}),
    ("org-create-as-member", "POST", "/api/v1/organizations", "member", {"name": "Neu", "kind": "media_company"}),
    ("person-email-visibility-unknown", "PATCH", "/api/v1/people/person-a", "member", {"email_visibility": "world"}),
    ("person-name-array", "PATCH", "/api/v1/people/person-a", "member", {"name": ["a"]}),
    ("intro-target-injection", "POST", "/api/v1/introductions", "member", {"target_org": SQL, "message": "Hallo"}),
    ("intro-target-number", "POST", "/api/v1/introductions", "member", {"target_org": 42, "message": "Hallo"}),
    ("intro-target-null", "POST", "/api/v1/introductions", "member", {"target_org": None, "message": "Hallo"}),
    ("intro-target-hidden", "POST", "/api/v1/introductions", "member", {"target_org": "org-hidden", "message": "Hallo"}),
    ("intro-target-own", "POST", "/api/v1/introductions", "member", {"target_org": "org-a", "message": "Hallo"}),
    ("intro-message-huge", "POST", "/api/v1/introductions", "member", {"target_org": "org-c", "message": HUGE}),
    ("intro-message-array", "POST", "/api/v1/introductions", "member", {"target_org": "org-c", "message": ["Hallo"]}),
    ("intro-message-surrogate", "POST", "/api/v1/introductions", "member",
     ("raw", '{"target_org": "org-c", "message": "Hallo \\ud83d"}', "application/json")),
    ("intro-duplicate-open-request", "POST", "/api/v1/introductions", "member",
     {"target_org": "org-b", "message": "Nochmal"}),
    ("intro-accept-by-requester", "POST", "/api/v1/introductions/intro-ab/accept", "member", {"reply": "Ja"}),
    ("feedback-value-unknown", "POST", "/api/v1/feedback", "member", {"subject": "org-a", "target": "org-b", "value": "love"}),
    ("feedback-target-html", "POST", "/api/v1/feedback", "member",
     {"subject": "org-a", "target": "<img src=x onerror=alert(1)>", "value": "useful"}),
    ("feedback-context-path", "POST", "/api/v1/feedback", "member",
     {"subject": "org-a", "target": "org-b", "value": "hide", "context": "../../etc"}),
    ("list-sort-injection", "GET", f"/api/v1/organizations?sort={INJECTION}", "anonymous", None),
    ("list-order-injection", "GET", f"/api/v1/people?order_by={SQL}", "anonymous", None),
    ("list-page-negative", "GET", "/api/v1/organizations?page=-1", "anonymous", None),
    ("list-page-zero", "GET", "/api/v1/organizations?page=0", "anonymous", None),
    ("list-page-huge", "GET", "/api/v1/organizations?page=99999999999999999999999", "anonymous", None),
    ("list-page-float", "GET", "/api/v1/people?page=1.5", "anonymous", None),
    ("list-per-page-huge", "GET", "/api/v1/organizations?per_page=1000000", "anonymous", None),
    ("list-per-page-text", "GET", "/api/v1/organizations?per_page=all", "anonymous", None),
    ("list-page-twice", "GET", "/api/v1/organizations?page=1&page=2", "anonymous", None),
    ("list-kind-unknown", "GET", "/api/v1/organizations?kind=spaceship", "anonymous", None),
    ("list-region-injection", "GET", f"/api/v1/organizations?region={SQL}", "anonymous", None),
    ("list-skill-injection", "GET", f"/api/v1/people?skill={INJECTION}", "anonymous", None),
    ("search-q-huge", "GET", "/api/v1/search?q=" + "x" * 10_000, "anonymous", None),
    ("search-type-label-injection", "GET", "/api/v1/search?type=Organization:Account", "anonymous", None),
    ("skills-limit-zero", "GET", "/api/v1/skills?limit=0", "anonymous", None),
    ("map-depth-huge", "GET", "/api/v1/map?depth=99", "member", None),
    ("recommendations-k-negative", "GET", "/api/v1/recommendations/partners?k=-5", "member", None),
    ("recommendations-hidden-subject", "GET", "/api/v1/recommendations/partners?organization=org-hidden", "member", None),
]


@pytest.fixture(scope="module", params=STORE_KINDS)
def shared_app(request, tmp_path_factory):
    return shared_world_app(request, tmp_path_factory, "hostile")


@pytest.fixture
def world(shared_app, tmp_path):
    app, store, close = world_for_case(shared_app, tmp_path)
    yield app, store
    close()


def _send_api(client, method, url, body, headers):
    if body is None:
        return client.open(url, method=method, headers=headers)
    if isinstance(body, tuple) and body[0] == "raw":
        return client.open(url, method=method, data=body[1], content_type=body[2], headers=headers)
    return client.open(url, method=method, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize("case_id,method,url,role,body", API_CASES, ids=[c[0] for c in API_CASES])
def test_api_refuses_hostile_input(world, case_id, method, url, role, body):
    app, store = world
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {issue_api_token(store, ACCOUNTS[role]['id'])}"
    before = _snapshot(store)
    response = _send_api(app.test_client(), method, url, body, headers)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["message"]  # a clear message, in JSON
    assert _snapshot(store) == before


# -- forms --------------------------------------------------------------------------------------

def _org_form(**changes) -> dict:
    data = {"name": "Isar Medien GmbH", "kind": "media_company", "visibility": "public", "city": "München",
            "region": "DE21", "website": "https://isar-medien.example", "contact_email": "kontakt@isar.example"}
    data.update(changes)
    return data


def _registration(**changes) -> dict:
    data = {"name": "Lena Brandl", "email": "lena@donau-studio.example", "password": PASSWORD,
            "password_confirm": PASSWORD, "organization_mode": "new", "organization_name": "Donau Studio",
            "organization_kind": "media_company", "organization_city": "Passau", "consent": "y"}
    data.update(changes)
    return data


# (id, url, role, form data)
FORM_CASES = [
    ("register-email-header-injection", "/register", "anonymous",
     _registration(email="lena@donau-studio.example\r\nBcc: alle@example.org")),
    ("register-email-no-domain", "/register", "anonymous", _registration(email="lena@")),
    ("register-name-huge", "/register", "anonymous", _registration(name=HUGE)),
    ("register-kind-unknown", "/register", "anonymous", _registration(organization_kind="spaceship")),
    ("register-person-kind-script", "/register", "anonymous", _registration(person_kind="<script>")),
    ("register-mode-unknown", "/register", "anonymous", _registration(organization_mode="hack")),
    ("register-passwords-differ", "/register", "anonymous", _registration(password_confirm="Anderes-Passwort-9")),
    ("register-existing-org-injection", "/register", "anonymous",
     _registration(organization_mode="existing", organization_name=SQL)),
    ("login-email-huge", "/login", "anonymous", {"email": HUGE, "password": PASSWORD}),
    ("reset-email-injection", "/reset", "anonymous", {"email": "x@example.org\nBcc: y@example.org"}),
    ("edit-org-name-empty", "/organizations/org-a/edit", "member", _org_form(name="")),
    ("edit-org-kind-unknown", "/organizations/org-a/edit", "member", _org_form(kind="spaceship")),
    ("edit-org-website-javascript", "/organizations/org-a/edit", "member", _org_form(website="javascript:alert(1)")),
    ("edit-org-email-rtl", "/organizations/org-a/edit", "member", _org_form(contact_email=f"a{RLO}b@x.de")),
    ("edit-org-visibility-unknown", "/organizations/org-a/edit", "member", _org_form(visibility="world")),
    ("edit-org-region-injection", "/organizations/org-a/edit", "member", _org_form(region=INJECTION)),
    ("edit-org-unknown-skill", "/organizations/org-a/edit", "member", _org_form(offers="Teleportation, Zeitreisen")),
    ("edit-org-description-huge", "/organizations/org-a/edit", "member", _org_form(description_de=HUGE)),
    ("intro-message-empty", "/introductions/new", "member", {"target_org": "org-c", "message": "   "}),
    ("intro-message-huge", "/introductions/new", "member", {"target_org": "org-c", "message": HUGE}),
    ("intro-target-injection", "/introductions/new", "member", {"target_org": SQL, "message": "Hallo"}),
    ("merge-into-itself", "/staff/merge", "staff", {"source": "org-c", "target": "org-c", "confirm": "y"}),
    ("merge-source-injection", "/staff/merge", "staff", {"source": INJECTION, "target": "org-a", "confirm": "y"}),
    ("delete-account-wrong-password", "/account/delete", "member", {"password": "Falsch-Passwort-1", "confirm": "y"}),
]


@pytest.mark.parametrize("case_id,url,role,data", FORM_CASES, ids=[c[0] for c in FORM_CASES])
def test_forms_refuse_hostile_input(world, case_id, url, role, data):
    app, store = world
    client = app.test_client()
    login_as(client, store, role)
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    before = _snapshot(store)
    response = client.post(url, data={**data, "csrf_token": token})
    assert 400 <= response.status_code < 500, response.status_code
    assert _snapshot(store) == before


# (id, url, role): listing and page parameters of HTML pages
PAGE_CASES = [
    ("search-page-negative", "/search?page=-3", "anonymous"),
    ("search-page-text", "/search?page=abc", "anonymous"),
    ("search-sort-injection", f"/search?sort={INJECTION}&page=-1", "anonymous"),
    ("search-kind-unknown", "/search?kind=spaceship", "anonymous"),
    ("search-region-injection", f"/search?region={SQL}", "anonymous"),
    ("search-q-huge", "/search?q=" + "x" * 10_000, "anonymous"),
    ("audit-page-injection", f"/staff/audit?page={INJECTION}", "staff"),
    ("audit-page-huge", "/staff/audit?page=99999999999999999999", "staff"),
]


@pytest.mark.parametrize("case_id,url,role", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_pages_refuse_bad_parameters(world, case_id, url, role):
    app, store = world
    client = app.test_client()
    login_as(client, store, role)
    before = _snapshot(store)
    response = client.get(url)
    assert response.status_code == 400
    assert _snapshot(store) == before


# -- importers -------------------------------------------------------------------------------------

ORG_HEADER = "id;name;kind;city\n"
IMPORT_CASES = [
    ("csv-latin1", "orgs.csv", (ORG_HEADER + "neu-1;Münchner Funk;media_company;München\n").encode("latin-1")),
    ("csv-utf16", "orgs.csv", (ORG_HEADER + "neu-1;Funk;media_company;Passau\n").encode("utf-16")),
    ("csv-nul-bytes", "orgs.csv", (ORG_HEADER + "neu-1;Fu\x00nk;media_company;Passau\n").encode()),
    ("csv-binary-garbage", "orgs.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("csv-empty", "orgs.csv", b""),
    ("csv-header-only-unknown-columns", "orgs.csv", b"foo;bar;baz\n1;2;3\n"),
    ("csv-missing-required-column", "orgs.csv", "id;city\nneu-1;Passau\n".encode()),
    ("csv-duplicate-ids", "orgs.csv", (ORG_HEADER + "neu-1;A;media_company;Passau\nneu-1;B;media_company;Hof\n").encode()),
    ("csv-bad-id", "orgs.csv", (ORG_HEADER + "../etc/passwd;A;media_company;Passau\n").encode()),
    ("csv-kind-unknown", "orgs.csv", (ORG_HEADER + "neu-1;A;spaceship;Passau\n").encode()),
    ("csv-huge-cell", "orgs.csv", (ORG_HEADER + "neu-1;" + "A" * 2_000_000 + ";media_company;Passau\n").encode()),
    ("csv-unbalanced-quote", "orgs.csv", (ORG_HEADER + 'neu-1;"Funk;media_company;Passau\n').encode()),
    ("csv-lat-not-a-number", "orgs.csv", "id;name;kind;lat\nneu-1;A;media_company;nord\n".encode()),
    ("offers-unknown-skill", "offers.csv", "organization_id;skill\norg-a;Teleportation\n".encode()),
    ("offers-unknown-org", "offers.csv", "organization_id;skill\nno-such-org;asr\n".encode()),
    ("skills-cyclic-taxonomy", "skills.csv",
     "id,label_de,label_en,broader\nzyklus-a,A,A,zyklus-b\nzyklus-b,B,B,zyklus-a\n".encode()),
    ("skills-self-broader", "skills.csv", "id,label_de,label_en,broader\nselbst,S,S,selbst\n".encode()),
    ("json-truncated", "members.json", b'{"organizations": [{"id": "neu-1", "name": "A"'),
    ("json-lone-surrogate", "members.json",
     b'{"organizations": [{"id": "neu-1", "name": "A \\ud800", "kind": "media_company"}]}'),
    ("json-strings-not-objects", "members.json", b'{"organizations": ["neu-1", "neu-2"]}'),
    ("json-name-array", "members.json", b'{"organizations": [{"id": "neu-1", "name": ["A"], "kind": "media_company"}]}'),
    ("json-deeply-nested", "members.json", ('{"organizations": [{"id": "neu-1", "name": ' + DEEP + "}]}").encode()),
    ("json-top-level-number", "members.json", b"42"),
    ("json-unknown-section", "members.json", b'{"accounts": [{"id": "acc-x", "role": "admin"}]}'),
]


@pytest.mark.parametrize("case_id,filename,content", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_member_import_refuses_hostile_files(world, tmp_path, case_id, filename, content):
    _app, store = world
    before = _snapshot(store)
    try:
        result = import_member_file(tmp_path / filename, store, content=content)
    except MemberFileError as exc:
        assert str(exc)  # the file as a whole is refused, with a reason
    else:
        assert not result.written and result.errors, "hostile rows must be reported"
        assert all(str(error) for error in result.errors)
    assert _snapshot(store) == before


def test_the_catalogue_is_large():
    assert len(API_CASES) + len(FORM_CASES) + len(PAGE_CASES) + len(IMPORT_CASES) >= 50


# -- valid but unusual text is kept as typed ---------------------------------------------------------

UNUSUAL_TEXT = [
    ("emoji", "Redaktion 🤖📻 mit KI", "Redaktion 🤖📻 mit KI"),
    ("combining-marks", "Mu\u0308nchen Cafe\u0301", "Mu\u0308nchen Cafe\u0301"),
    ("arabic-rtl-script", "شركة إعلامية في ميونخ", "شركة إعلامية في ميونخ"),
    ("cjk", "ミュンヘンのメディア", "ミュンヘンのメディア"),
    ("nul-byte-removed", "Isar\x00 Medien", "Isar Medien"),
    ("html-kept-as-text", "<b>Fett</b> & <script>alert(1)</script>", "<b>Fett</b> & <script>alert(1)</script>"),
    ("cypher-kept-as-text", INJECTION, INJECTION),
]


@pytest.mark.parametrize("case_id,typed,stored", UNUSUAL_TEXT, ids=[c[0] for c in UNUSUAL_TEXT])
def test_unusual_text_round_trips_and_is_escaped_on_pages(world, case_id, typed, stored):
    app, store = world
    token = issue_api_token(store, ACCOUNTS["member"]["id"])
    response = app.test_client().patch(ORG, json={"description_de": typed},
                                       headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert store.get_node(Label.ORGANIZATION, "org-a")["description_de"] == stored
    page = app.test_client().get("/organizations/org-a").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


# -- every route, hostile parameters and fields ----------------------------------------------------

from urllib.parse import urlencode  # noqa: E402

from kim_network.core.model import GRAPH_LABELS  # noqa: E402
from tests.trust.world import World, all_rules  # noqa: E402

HOSTILE_PARAMS = [
    ("sort", INJECTION), ("order", SQL), ("order_by", "password_hash"), ("page", "-1"), ("per_page", "10**9"),
    ("limit", "1e309"), ("offset", "-5"), ("q", f"{INJECTION} {RLO}{ZWJ}\x00🤖"), ("kind", SQL),
    ("kind", "Organization`) DETACH DELETE n //"), ("region", "' OR 1=1 --"), ("skill", "../../etc/passwd"),
    ("type", "Account"), ("label", "Account"), ("lang", "xx"), ("org", SQL), ("organization", INJECTION),
    ("depth", "999999999999"), ("k", "-1"), ("format", "../../secret"), ("next", "//evil.example/"),
]
GET_ROUTES = sorted(rule for rule, method in all_rules() if method == "GET" and not rule.startswith("/static/"))
FORM_POSTS = sorted(rule for rule, method in all_rules() if method == "POST" and not rule.startswith("/api/"))
HOSTILE_FIELD_VALUES = [INJECTION, SQL, "x" * 100_000, f"Isar{RLO}{ZWJ}\x00🤖", "<script>alert(1)</script>",
                        "-1", "99999999999999999999"]


def _graph_counts(store) -> dict:
    return {label.value: store.count_nodes(label) for label in GRAPH_LABELS} | {"edges": store.count_edges()}


@pytest.mark.parametrize("role", ["anonymous", "staff"])
@pytest.mark.parametrize("rule", GET_ROUTES)
def test_every_page_survives_hostile_parameters(world, rule, role):
    app, store = world
    client = app.test_client()
    login_as(client, store, role)
    before = _graph_counts(store)
    response = client.get(World().url(rule) + "?" + urlencode(HOSTILE_PARAMS))
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _graph_counts(store) == before
    if rule.startswith("/api/") and response.status_code == 200:
        pytest.fail("an API listing accepted unknown or hostile parameters")


@pytest.mark.parametrize("value", HOSTILE_FIELD_VALUES, ids=["cypher", "sql", "huge", "invisible", "script",
                                                             "negative", "huge-number"])
@pytest.mark.parametrize("rule", FORM_POSTS)
def test_every_form_survives_hostile_fields(world, rule, value):
    app, store = world
    client = app.test_client()
    role = "anonymous" if rule in ("/login", "/register", "/reset", "/reset/<token>") else "staff"
    login_as(client, store, role)
    fields = ("name", "email", "password", "password_confirm", "organization_name", "organization_mode",
              "organization_kind", "organization_city", "person_kind", "kind", "visibility", "city", "region",
              "website", "contact_email", "contact_phone", "description_de", "skills", "offers", "needs",
              "message", "reply", "target_org", "reasons", "source", "target", "subject", "value", "context",
              "text", "consent", "confirm")
    data = {name: value for name in fields}
    data["csrf_token"] = csrf_token(client, "/login" if role == "anonymous" else "/")
    response = client.post(World().url(rule), data=data)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
