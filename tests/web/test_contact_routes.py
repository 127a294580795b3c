"""Contact requests reach someone who can act: the person asked for, KI.M's staff queue, both sides of a bridge."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label
from kim_network.core.errors import NotAllowed
from kim_network.services import introduction_parties as parties, introduction_upkeep as upkeep
from kim_network.services import introductions as service
from kim_network.services import notifications
from kim_network.services.introduction_view import contacts, describe
from tests.conftest import csrf_token
from tests.support.world import SME, STAFF, TECH, RESEARCHER, account, seed
from tests.support.client import login, text_of


class Mailbox(list):
    def __call__(self, to, subject, body):
        self.append((to, subject, body))


@pytest.fixture
def seeded(store):
    seed(store)
    # A colleague of Dr. Huber at the university: a request for her must not reach him.
    store.upsert_nodes(Label.ACCOUNT, [account("acc-uni2", "max@hs-donau.example", organization_id="org-uni",
                                               name="Max Donau")])
    return store


@pytest.fixture
def site(app, seeded):
    return app


# -- a request for a person goes to that person ----------------------------------------------
def test_a_request_for_a_person_goes_to_that_person_and_reveals_her_own_fields(seeded):
    mail = Mailbox()
    intro = service.request_introduction(seeded, SME, None, "Können wir über Dialekt-ASR sprechen?", mailer=mail,
                                         target_person="p-lena")
    assert intro["route"] == "direct" and intro["recipient_account"] == "acc-lena"
    assert [m[0] for m in mail] == ["lena.huber@hs-donau.example"]
    assert notifications.unread_count(seeded, "acc-uni2") == 0
    colleague = SME.__class__(role="member", account_id="acc-uni2", organization_id="org-uni")
    assert not parties.can_view(colleague, intro)
    assert service.for_viewer(seeded, colleague).received == []
    assert [i["id"] for i in service.for_viewer(seeded, RESEARCHER).received] == [intro["id"]]
    with pytest.raises(service.IntroNotFound):  # not even told it exists
        service.answer(seeded, colleague, intro["id"], accept=True)

    service.answer(seeded, RESEARCHER, intro["id"], accept=True, mailer=mail)
    mine = contacts(seeded, SME, seeded.get_node(Label.INTRODUCTION, intro["id"]))
    # Her e-mail is for members, her phone for staff only: the requester gets the e-mail, not the phone.
    assert mine["target"]["email"] == "lena.huber@hs-donau.example"
    assert "phone" not in mine["target"] and mine["target"]["organization"] == "Hochschule Donau"
    assert "contact_email" not in mine["target"]  # not the university's switchboard


def test_a_person_without_an_account_goes_to_the_staff_queue(seeded):
    seeded.upsert_nodes(Label.PERSON, [{"id": "p-otto", "name": "Otto Archiv", "kind": "expert",
                                        "visibility": "public", "email": "otto@archiv.example",
                                        "email_visibility": "members"}])
    mail = Mailbox()
    intro = service.request_introduction(seeded, SME, None, "Hallo Herr Archiv", mailer=mail, target_person="p-otto")
    assert intro["route"] == "staff" and "recipient_account" not in intro
    assert [m[0] for m in mail] == ["team@ki-m.example"]
    assert [i["id"] for i in service.staff_queue(seeded, STAFF)] == [intro["id"]]


# -- a request to a profile nobody answers goes to KI.M ------------------------------------------
def test_an_organisation_without_accounts_is_passed_on_by_staff_who_record_the_outcome(seeded):
    mail = Mailbox()
    intro = service.request_introduction(seeded, SME, "org-fk", "Wir suchen Empfehlungssysteme.", mailer=mail)
    assert intro["route"] == "staff"
    assert [m[0] for m in mail] == ["team@ki-m.example"]
    assert "Vermittlung durch KI.M" in mail[0][2]
    assert [i["id"] for i in service.staff_queue(seeded, STAFF)] == [intro["id"]]
    with pytest.raises(NotAllowed):
        service.staff_queue(seeded, SME)
    with pytest.raises(NotAllowed):  # the requester cannot fake an outcome
        service.record_outcome(seeded, SME, intro["id"], "met")
    assert contacts(seeded, SME, intro) == {}

    done = service.record_outcome(seeded, STAFF, intro["id"], "reached", "Herr Funk erwartet Ihren Anruf.",
                                  mailer=mail)
    assert done["status"] == "reached" and done["handled_by"] == "acc-staff"
    assert mail[-1][0] == "anna@bergmedia.example" and "passed your request on" not in mail[-1][2]  # German
    assert "KI.M hat Frankenfunk erreicht" in mail[-1][2]
    assert service.staff_queue(seeded, STAFF) == []
    view = describe(seeded, SME, done)
    assert view.intro["outcome_note"] == "Herr Funk erwartet Ihren Anruf." and view.can_mark_met
    with pytest.raises(service.IntroductionError):
        service.record_outcome(seeded, STAFF, intro["id"], "nonsense")
    met = service.mark_met(seeded, SME, intro["id"])
    assert met["status"] == "met" and met["met_at"]
    assert upkeep.funnel(seeded)["met"] == 1


# -- bridges: three-way, previewed, both answer -----------------------------------------------
def test_a_bridge_reaches_both_sides_and_contacts_flow_only_when_both_accept(seeded):
    mail = Mailbox()
    intro = service.introduce(seeded, STAFF, "org-bm", "org-ak", "Sie sollten sich kennenlernen.", mailer=mail)
    assert intro["route"] == "bridge"
    assert sorted(m[0] for m in mail) == ["alex@alpenklang.example", "anna@bergmedia.example"]
    assert notifications.unread_count(seeded, "acc-bm") == notifications.unread_count(seeded, "acc-ak") == 1
    assert parties.is_recipient_side(SME, intro) and parties.is_recipient_side(TECH, intro)
    assert not parties.can_view(RESEARCHER, intro)
    with pytest.raises(NotAllowed):
        service.introduce(seeded, SME, "org-bm", "org-ak", "Hallo")
    with pytest.raises(service.IntroductionError) as err:
        service.introduce(seeded, STAFF, "org-ak", "org-bm", "Noch einmal")
    assert err.value.status == 409

    half = service.answer(seeded, SME, intro["id"], accept=True)
    assert half["status"] == "requested" and half["requester_answer"] == "accepted"
    assert contacts(seeded, SME, half) == {}
    with pytest.raises(service.IntroductionError):
        service.answer(seeded, SME, intro["id"], accept=True)
    both = service.answer(seeded, TECH, intro["id"], accept=True, mailer=mail)
    assert both["status"] == "accepted"
    assert set(contacts(seeded, SME, both)) == {"target"} and set(contacts(seeded, TECH, both)) == {"requester"}
    assert contacts(seeded, SME, both)["target"]["people"][0]["email"] == "alex@alpenklang.example"


def test_bridge_preview_is_plain_language_editable_and_sends_nothing_until_confirmed(site, seeded):
    staff = site.test_client()
    login(staff, "team@ki-m.example", lang="en")
    page = text_of(staff.get("/introductions/bridge?a=org-bm&b=org-ak"))
    assert "Introduce Bergmedia Rosenheim and Alpenklang KI to each other" in page
    assert "Alpenklang KI offers Automatic subtitling, which Bergmedia Rosenheim is looking for." in page
    assert "ommunity" not in page and "0 ties" not in page
    assert seeded.count_nodes(Label.INTRODUCTION) == 0  # a preview sends nothing
    token = csrf_token(staff, "/introductions/bridge?a=org-bm&b=org-ak")
    sent = staff.post("/introductions/bridge", data={"org_a": "org-bm", "org_b": "org-ak", "csrf_token": token,
                                                     "message": "Edited by staff: please meet."})
    assert sent.status_code == 302
    intro = seeded.all_nodes(Label.INTRODUCTION, None)[0]
    assert intro["message"] == "Edited by staff: please meet." and intro["route"] == "bridge"
    anna = site.test_client()
    login(anna, "anna@bergmedia.example", lang="en")
    seen = text_of(anna.get(sent.headers["Location"]))
    assert "Introduction by KI.M: Bergmedia Rosenheim and Alpenklang KI" in seen
    assert "Edited by staff: please meet." in seen and "Accept" in seen
    member = site.test_client()
    login(member, "alex@alpenklang.example")
    assert member.get("/introductions/bridge?a=org-bm&b=org-ak").status_code == 403


def test_staff_queue_page_records_the_outcome_and_the_requester_sees_it_without_email(site, seeded):
    anna = site.test_client()
    login(anna, "anna@bergmedia.example", lang="en")
    token = csrf_token(anna, "/introductions/new?org=org-fk")
    form = text_of(anna.get("/introductions/new?org=org-fk"))
    assert "has no account on KI.M Netzwerk yet" in form and "Vermittlung durch KI.M" in form
    response = anna.post("/introductions/new", data={"target_org": "org-fk", "message": "Hallo Frankenfunk",
                                                     "csrf_token": token})
    detail = response.headers["Location"]
    staff = site.test_client()
    login(staff, "team@ki-m.example", lang="en")
    queue = text_of(staff.get("/introductions/queue"))
    assert "Anna Berg (Bergmedia Rosenheim) asks for Frankenfunk" in queue and "Hallo Frankenfunk" in queue
    token = csrf_token(staff, "/introductions/queue")
    intro_id = detail.rsplit("/", 1)[1]
    done = staff.post(f"/introductions/{intro_id}/outcome", data={"csrf_token": token, "outcome": "reached",
                                                                  "note": "Frau Funk ruft Sie an.", "back": "queue"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/introductions/queue")
    assert "Nothing to pass on right now." in text_of(staff.get("/introductions/queue"))
    seen = text_of(anna.get(detail))
    assert "Passed on by KI.M" in seen and "Frau Funk ruft Sie an." in seen
    overview = text_of(anna.get("/introductions"))
    assert "Frankenfunk" in overview and "Passed on by KI.M" in overview and "via KI.M" in overview
    assert anna.get("/introductions/queue").status_code == 403
