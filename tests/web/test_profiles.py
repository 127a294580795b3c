"""Profiles: what each viewer sees, editing rules, confirmation and merging duplicates."""
from __future__ import annotations

import json

import pytest

from kim_network.services import introductions as intros
from kim_network.core.model import Label, Rel, ValidationError
from kim_network.services import profiles as service
from kim_network.core.visibility import ANONYMOUS
from tests.conftest import csrf_token, gen_org
from tests.support.world import SME, STAFF, TECH, seed
from tests.support.client import field_block, login, text_of


@pytest.fixture
def seeded(store):
    seed(store)
    return store


# -- service ---------------------------------------------------------------------------


def test_contact_details_follow_visibility(seeded):
    anon = service.load_profile(seeded, ANONYMOUS, Label.ORGANIZATION, "org-bm")
    member = service.load_profile(seeded, TECH, Label.ORGANIZATION, "org-bm")
    assert "contact_email" not in anon.contact
    assert member.contact["contact_email"] == "kontakt@bergmedia.example"
    lena_anon = service.load_profile(seeded, ANONYMOUS, Label.PERSON, "p-lena")
    lena_member = service.load_profile(seeded, SME, Label.PERSON, "p-lena")
    lena_staff = service.load_profile(seeded, STAFF, Label.PERSON, "p-lena")
    assert lena_anon.contact == {}
    assert lena_member.contact == {"email": "lena.huber@hs-donau.example"}
    assert lena_staff.contact["phone"] == "+49 851 5555"


def test_invisible_profiles_are_not_found(seeded):
    for viewer, org in ((ANONYMOUS, "org-fk"), (SME, "org-hidden"), (SME, "org-pend"), (SME, "nope")):
        with pytest.raises(service.ProfileNotFound):
            service.load_profile(seeded, viewer, Label.ORGANIZATION, org)
    assert service.load_profile(seeded, STAFF, Label.ORGANIZATION, "org-hidden").name == "Geheimlabor Isar"


def test_profile_lists_skills_people_and_staleness(seeded):
    uni = service.load_profile(seeded, SME, Label.ORGANIZATION, "org-uni")
    assert [p.name for p in uni.people] == ["Dr. Lena Huber"]
    assert [s.name for s in uni.skills] == ["Sprachverarbeitung"]
    assert uni.region_name == "Niederbayern"
    ak = service.load_profile(seeded, SME, Label.ORGANIZATION, "org-ak", lang="en")
    assert [s.name for s in ak.offers] == ["Automatic subtitling"]
    assert ak.stale is True and ak.editable is False
    bm = service.load_profile(seeded, SME, Label.ORGANIZATION, "org-bm")
    assert bm.stale is False and bm.editable is True


def test_members_edit_only_their_own_profile(seeded):
    with pytest.raises(service.NotAllowed):
        service.update_profile(seeded, SME, Label.ORGANIZATION, "org-ak", {"city": "Ulm"})
    service.update_profile(seeded, SME, Label.ORGANIZATION, "org-bm", {"city": "Kolbermoor"},
                           skills={Rel.NEEDS: ["subtitles", "recsys"]})
    node = seeded.get_node(Label.ORGANIZATION, "org-bm")
    assert node["city"] == "Kolbermoor"
    assert {e.target for e in seeded.edges(Label.ORGANIZATION, "org-bm", Rel.NEEDS)} == {"subtitles", "recsys"}
    assert seeded.list_nodes(Label.AUDIT).total == 0  # a member's own edit is no staff action
    service.update_profile(seeded, STAFF, Label.ORGANIZATION, "org-ak", {"city": "Kempten"})
    assert seeded.get_node(Label.ORGANIZATION, "org-ak")["city"] == "Kempten"
    entry = seeded.list_nodes(Label.AUDIT, {"action": "edit_profile"}).items[0]
    assert entry["actor"] == "acc-staff" and json.loads(entry["detail"])["changed"] == ["city"]


def test_invalid_update_stores_nothing(seeded):
    before = seeded.get_node(Label.ORGANIZATION, "org-bm")
    for props, skills, field in (
        ({"kind": "spaceship"}, None, "kind"),
        ({"name": ""}, None, "name"),
        ({"merged_into": "org-ak"}, None, "merged_into"),
        ({"city": "Rosenheim"}, {Rel.OFFERS: ["no-such-skill"]}, "offers"),
    ):
        with pytest.raises(ValidationError) as err:
            service.update_profile(seeded, SME, Label.ORGANIZATION, "org-bm", props, skills=skills)
        assert err.value.field == field
    assert seeded.get_node(Label.ORGANIZATION, "org-bm") == before
    assert seeded.edges(Label.ORGANIZATION, "org-bm", Rel.OFFERS) == []


def test_resolve_skills_by_id_or_name_in_either_language(seeded):
    assert service.resolve_skills(seeded, "asr, Automatic subtitling ,bildanalyse") == ["asr", "subtitles", "vision"]
    with pytest.raises(ValidationError, match="Quantenfunk"):
        service.resolve_skills(seeded, "asr, Quantenfunk")


def test_confirm_sets_confirmed_at(seeded):
    service.confirm_profile(seeded, TECH, Label.ORGANIZATION, "org-ak")
    assert service.load_profile(seeded, TECH, Label.ORGANIZATION, "org-ak").stale is False
    with pytest.raises(service.NotAllowed):
        service.confirm_profile(seeded, SME, Label.ORGANIZATION, "org-ak")


def test_merge_moves_relationships_history_and_accounts(seeded):
    seeded.create_node(Label.ORGANIZATION, gen_org(7, id="org-ak2", name="Alpenklang KI GmbH",
                                                   website="https://alpenklang.example"))
    seeded.upsert_nodes(Label.PROJECT, [{"id": "prj-1", "title": "Dialekt-ASR"}])
    seeded.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "org-ak2", "target": "prj-1", "role": "coordinator"}])
    seeded.upsert_edges(Rel.OFFERS, [{"source": "org-ak2", "target": "subtitles"},
                                     {"source": "org-ak2", "target": "vision"}])
    seeded.upsert_edges(Rel.WORKS_AT, [{"source": "p-lena", "target": "org-ak2"}])
    seeded.update_node(Label.ACCOUNT, "acc-ak", {"organization_id": "org-ak2"})
    intro = intros.request_introduction(seeded, SME, "org-ak2", "Hallo")

    with pytest.raises(service.NotAllowed):
        service.merge_organizations(seeded, SME, "org-ak2", "org-ak")
    result = service.merge_organizations(seeded, STAFF, "org-ak2", "org-ak")

    assert result.moved["PARTICIPATED_IN"] == 1
    assert {e.target for e in seeded.edges(Label.ORGANIZATION, "org-ak", Rel.OFFERS)} == {"subtitles", "vision"}
    assert seeded.edges(Label.ORGANIZATION, "org-ak", Rel.PARTICIPATED_IN)[0].props["role"] == "coordinator"
    assert {e.source for e in seeded.edges(Label.ORGANIZATION, "org-ak", Rel.WORKS_AT, "in")} == {"p-lena"}
    assert seeded.edges(Label.ORGANIZATION, "org-ak2", direction="both") == []
    assert seeded.get_node(Label.INTRODUCTION, intro["id"])["target_org"] == "org-ak"
    assert seeded.get_node(Label.ACCOUNT, "acc-ak")["organization_id"] == "org-ak"
    target = seeded.get_node(Label.ORGANIZATION, "org-ak")
    assert target["website"] == "https://alpenklang.example" and target["name"] == "Alpenklang KI"
    assert seeded.get_node(Label.ORGANIZATION, "org-ak2")["merged_into"] == "org-ak"
    audit = seeded.list_nodes(Label.AUDIT, {"action": "merge_organizations"}).items
    assert len(audit) == 1 and json.loads(audit[0]["detail"])["source"] == "org-ak2"
    with pytest.raises(service.ProfileNotFound):  # the duplicate is gone for members
        service.load_profile(seeded, SME, Label.ORGANIZATION, "org-ak2")
    with pytest.raises(ValidationError):  # and cannot be merged twice
        service.merge_organizations(seeded, STAFF, "org-ak2", "org-ak")


# -- pages ------------------------------------------------------------------------------


def test_profile_page_shows_contact_only_to_members(site, client):
    anonymous = text_of(client.get("/organizations/org-bm"))
    assert "Bergmedia Rosenheim" in anonymous and "kontakt@bergmedia.example" not in anonymous
    assert "Automatische Untertitelung" in anonymous  # what they need, from the taxonomy
    login(client, "alex@alpenklang.example")
    member = text_of(client.get("/organizations/org-bm"))
    assert "kontakt@bergmedia.example" in member
    assert "/introductions/new?org=org-bm" in member


def test_person_page_follows_field_visibility(site, client):
    assert "lena.huber@hs-donau.example" not in text_of(client.get("/people/p-lena"))
    login(client, "anna@bergmedia.example")
    page = text_of(client.get("/people/p-lena"))
    assert "lena.huber@hs-donau.example" in page and "+49 851 5555" not in page
    assert "/introductions/new?person=p-lena" in page  # a request for her goes to her, not her university


@pytest.mark.parametrize("email, url", [
    (None, "/organizations/org-fk"),
    (None, "/organizations/org-hidden"),
    ("anna@bergmedia.example", "/organizations/org-hidden"),
    ("anna@bergmedia.example", "/organizations/org-pend"),
    ("anna@bergmedia.example", "/organizations/no-such-org"),
    ("anna@bergmedia.example", "/organizations/org-hidden/edit"),
])
def test_profiles_the_viewer_may_not_see_answer_404(site, client, email, url):
    if email:
        login(client, email)
    assert client.get(url).status_code == 404


def test_staff_see_and_edit_every_profile(site, client):
    login(client, "team@ki-m.example")
    assert client.get("/organizations/org-hidden").status_code == 200
    assert client.get("/organizations/org-ak/edit").status_code == 200


def test_members_edit_only_their_own(site, client):
    assert client.get("/organizations/org-bm/edit").status_code == 302  # to the login page
    login(client, "anna@bergmedia.example")
    assert client.get("/organizations/org-ak/edit").status_code == 403
    assert client.get("/organizations/org-bm/edit").status_code == 200


def _edit_form(**changes) -> dict:
    data = {"name": "Bergmedia Rosenheim", "kind": "media_company", "sme": "y", "city": "Rosenheim",
            "region": "DE21", "visibility": "public", "contact_email": "kontakt@bergmedia.example",
            "skills": "", "offers": "", "needs": "Automatische Untertitelung"}
    data.update(changes)
    return data


def test_edit_saves_properties_and_skills_by_name(site, client, store):
    login(client, "anna@bergmedia.example")
    token = csrf_token(client, "/organizations/org-bm/edit")
    response = client.post("/organizations/org-bm/edit", data=_edit_form(
        csrf_token=token, city="Kolbermoor", offers="Bildanalyse", needs="subtitles, Speech recognition"))
    assert response.status_code == 302
    assert store.get_node(Label.ORGANIZATION, "org-bm")["city"] == "Kolbermoor"
    assert {e.target for e in store.edges(Label.ORGANIZATION, "org-bm", Rel.NEEDS)} == {"subtitles", "asr"}
    assert {e.target for e in store.edges(Label.ORGANIZATION, "org-bm", Rel.OFFERS)} == {"vision"}


@pytest.mark.parametrize("changes, field_id", [
    ({"name": ""}, "name"),
    ({"contact_email": "kein-at-zeichen"}, "contact_email"),
    ({"kind": "spaceship"}, "kind"),
    ({"offers": "Bildanalyse, Quantenfunk"}, "offers"),
    ({"website": "bergmedia"}, "website"),
    ({"description_de": "x" * 5001}, "description_de"),
])
def test_invalid_edit_shows_message_at_the_field_keeps_input_and_stores_nothing(
        site, client, store, changes, field_id):
    login(client, "anna@bergmedia.example", lang="en")
    before = store.get_node(Label.ORGANIZATION, "org-bm")
    needs_before = store.edges(Label.ORGANIZATION, "org-bm", Rel.NEEDS)
    token = csrf_token(client, "/organizations/org-bm/edit")
    response = client.post("/organizations/org-bm/edit", data=_edit_form(csrf_token=token, city="Wasserburg",
                                                                           **changes))
    assert response.status_code == 400
    html = text_of(response)
    block = field_block(html, field_id)
    assert 'class="field-errors"' in block
    assert "Wasserburg" in html  # what was typed is kept
    if field_id == "offers":
        assert "Quantenfunk" in block
    assert store.get_node(Label.ORGANIZATION, "org-bm") == before
    assert store.edges(Label.ORGANIZATION, "org-bm", Rel.NEEDS) == needs_before


def test_edit_without_csrf_token_is_refused(site, client, store):
    login(client, "anna@bergmedia.example")
    response = client.post("/organizations/org-bm/edit", data=_edit_form(city="Ohne-Token"))
    assert response.status_code == 400
    assert store.get_node(Label.ORGANIZATION, "org-bm")["city"] == "München"


def test_confirm_button_clears_the_stale_flag(site, client, store):
    login(client, "alex@alpenklang.example", lang="en")
    page = text_of(client.get("/organizations/org-ak"))
    assert "may be out of date" in page and "Confirm profile" in page
    token = csrf_token(client, "/organizations/org-ak")
    assert client.post("/organizations/org-ak/confirm", data={"csrf_token": token}).status_code == 302
    assert "may be out of date" not in text_of(client.get("/organizations/org-ak"))
    assert store.get_node(Label.ORGANIZATION, "org-ak")["confirmed_at"] > "2026"
    # Not the owner: no button, and the POST is refused.
    assert client.post("/organizations/org-bm/confirm", data={"csrf_token": token}).status_code == 403


def test_staff_merge_through_the_page(site, client, store):
    store.create_node(Label.ORGANIZATION, gen_org(7, id="org-ak2", name="Alpenklang KI GmbH"))
    store.upsert_edges(Rel.OFFERS, [{"source": "org-ak2", "target": "vision"}])
    login(client, "anna@bergmedia.example")
    assert client.get("/staff/merge").status_code == 403
    auth_client = client.application.test_client()
    login(auth_client, "team@ki-m.example", lang="en")
    token = csrf_token(auth_client, "/staff/merge")
    bad = auth_client.post("/staff/merge", data={"source": "org-ak2", "target": "org-ak2", "confirm": "y",
                                                 "csrf_token": token})
    assert bad.status_code == 400 and 'class="field-errors"' in field_block(text_of(bad), "target")
    assert not store.get_node(Label.ORGANIZATION, "org-ak2").get("merged_into")
    done = auth_client.post("/staff/merge", data={"source": "org-ak2", "target": "org-ak", "confirm": "y",
                                                  "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/organizations/org-ak")
    assert store.get_node(Label.ORGANIZATION, "org-ak2")["merged_into"] == "org-ak"
    assert "vision" in {e.target for e in store.edges(Label.ORGANIZATION, "org-ak", Rel.OFFERS)}


def test_pages_are_german_by_default_and_english_on_request(site, client):
    login(client, "anna@bergmedia.example")
    page = text_of(client.get("/organizations/org-bm"))
    assert "Profil bestätigen" in page and "Confirm profile" not in page
    assert "Confirm profile" in text_of(client.get("/organizations/org-bm?lang=en"))
