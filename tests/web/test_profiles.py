"""Profiles: what each viewer sees, editing rules, confirmation and merging duplicates."""
from __future__ import annotations

import json

import pytest

from kim_network.introductions import service as intros
from kim_network.model import Label, Rel, ValidationError
from kim_network.profiles import service
from kim_network.visibility import ANONYMOUS
from tests.conftest import gen_org
from tests.web.ecosystem import RESEARCHER, SME, STAFF, TECH, seed


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
    service.update_profile(seeded, STAFF, Label.ORGANIZATION, "org-ak", {"city": "Kempten"})
    assert seeded.get_node(Label.ORGANIZATION, "org-ak")["city"] == "Kempten"


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
