"""Regression tests for the holes an outside probe of the demo reproduced (issue 9).

One section per numbered item of the issue; every test failed on the code before its fix.
Where a store is involved the test runs on both adapters (the `store` fixture).
"""
from __future__ import annotations

import csv
import gzip
import json

import pytest

from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.importers.export import export_graph
from kim_network.importers.members import import_member_file
from kim_network.importers.records import import_cordis
from tests.conftest import csrf_token
from tests.fixtures.cordis_folder import write_cordis_folder
from tests.trust.world import login_as, seed_world

MEMBER = Viewer(role="member", account_id="acc-other", organization_id="org-c", person_id="person-c")


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


# -- 9. the same field rules for member files, the CORDIS importer, forms and the API -------------------

BAD_VALUES = [
    pytest.param("website", "javascript:alert(document.cookie)", id="website-javascript"),
    pytest.param("website", "https://ki-m.example@evil.example/", id="website-with-credentials"),
    pytest.param("contact_phone", "<script>alert(1)</script>", id="phone-script"),
    pytest.param("contact_phone", "++--", id="phone-no-digits"),
    pytest.param("contact_email", "x@evil.example,victim", id="email-second-recipient"),
    pytest.param("region", "Narnia", id="region-not-nuts"),
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
