"""Introductions: double opt-in, contact details after acceptance, reminders, retention, funnel."""
from __future__ import annotations

from datetime import timedelta

import pytest

from kim_network.introductions import notifications, service
from kim_network.introductions.clock import now_iso, utcnow
from kim_network.model import Label
from tests.web.ecosystem import RESEARCHER, SME, STAFF, TECH, seed


@pytest.fixture
def seeded(store):
    seed(store)
    return store


class Mailbox(list):
    def __call__(self, to, subject, body):
        self.append((to, subject, body))


def test_request_accept_reveals_contacts_to_both_sides_only_after_acceptance(seeded):
    mail = Mailbox()
    intro = service.request_introduction(seeded, SME, "org-ak", "Wir suchen Untertitelung.", mailer=mail)
    assert intro["status"] == "requested"
    # The recipient organisation's member is told in the app and by mail, in their language (en).
    assert notifications.unread_count(seeded, "acc-ak") == 1
    assert mail == [("alex@alpenklang.example", "New introduction request on KI.M Netzwerk", mail[0][2])]
    assert "Wir suchen Untertitelung." in mail[0][2]
    assert service.contacts(seeded, SME, intro) == {}
    assert service.contacts(seeded, TECH, intro) == {}

    answered = service.answer(seeded, TECH, intro["id"], accept=True, mailer=mail)
    assert answered["status"] == "accepted"
    mine = service.contacts(seeded, SME, answered)
    theirs = service.contacts(seeded, TECH, answered)
    assert mine == {"target": {"name": "Alpenklang KI", "contact_email": "hallo@alpenklang.example"}}
    assert theirs["requester"]["email"] == "anna@bergmedia.example"
    assert theirs["requester"]["contact_phone"] == "+49 8031 1234"
    assert set(service.contacts(seeded, STAFF, answered)) == {"target", "requester"}
    assert notifications.unread_count(seeded, "acc-bm") == 1
    assert mail[-1][0] == "anna@bergmedia.example"


def test_decline_reveals_nothing_and_status_is_visible_to_both(seeded):
    intro = service.request_introduction(seeded, SME, "org-ak", "Hallo")
    service.answer(seeded, TECH, intro["id"], accept=False, reply="Kein Bedarf")
    assert service.for_viewer(seeded, SME).sent[0]["status"] == "declined"
    assert service.for_viewer(seeded, TECH).received[0]["status"] == "declined"
    assert service.contacts(seeded, SME, service.get_introduction(seeded, SME, intro["id"])) == {}


@pytest.mark.parametrize("message, field", [("", "message"), ("   ", "message"), ("x" * 1001, "message")])
def test_message_is_required_and_short(seeded, message, field):
    with pytest.raises(service.IntroductionError) as err:
        service.request_introduction(seeded, SME, "org-ak", message)
    assert err.value.field == field
    assert seeded.count_nodes(Label.INTRODUCTION) == 0


def test_no_duplicate_open_request_and_no_request_to_hidden_or_own(seeded):
    service.request_introduction(seeded, SME, "org-ak", "Hallo")
    with pytest.raises(service.IntroductionError) as err:
        service.request_introduction(seeded, SME, "org-ak", "Nochmal")
    assert err.value.status == 409
    with pytest.raises(service.IntroductionError) as err:
        service.request_introduction(seeded, SME, "org-hidden", "Hallo")
    assert err.value.status == 404
    with pytest.raises(service.IntroductionError):
        service.request_introduction(seeded, SME, "org-bm", "Hallo")
    assert seeded.count_nodes(Label.INTRODUCTION) == 1


def test_only_the_recipient_answers_and_only_once(seeded):
    intro = service.request_introduction(seeded, SME, "org-ak", "Hallo")
    with pytest.raises(service.NotAllowed):
        service.answer(seeded, SME, intro["id"], accept=True)
    with pytest.raises(service.IntroNotFound):  # a third party does not learn it exists
        service.answer(seeded, RESEARCHER, intro["id"], accept=True)
    service.answer(seeded, TECH, intro["id"], accept=True)
    with pytest.raises(service.IntroductionError) as err:
        service.answer(seeded, TECH, intro["id"], accept=False)
    assert err.value.status == 409


def test_reminder_once_per_request_after_the_configured_days(seeded):
    intro = service.request_introduction(seeded, SME, "org-ak", "Hallo")
    fresh = service.request_introduction(seeded, SME, "org-uni", "Hallo Passau")
    old = now_iso(utcnow() - timedelta(days=8))
    seeded.update_node(Label.INTRODUCTION, intro["id"], {"created_at": old})
    mail = Mailbox()
    assert service.remind_unanswered(seeded, 7, mailer=mail) == 1
    assert [m[0] for m in mail] == ["alex@alpenklang.example"]
    assert service.remind_unanswered(seeded, 7, mailer=mail) == 0
    assert len(mail) == 1
    assert seeded.get_node(Label.INTRODUCTION, fresh["id"]).get("reminded_at") is None


def test_retention_deletes_texts_but_keeps_the_funnel(seeded):
    intro = service.request_introduction(seeded, SME, "org-ak", "Vertraulich")
    service.answer(seeded, TECH, intro["id"], accept=True, reply="Gern")
    recent = service.request_introduction(seeded, SME, "org-uni", "Neu")
    seeded.update_node(Label.INTRODUCTION, intro["id"], {"created_at": now_iso(utcnow() - timedelta(days=400))})
    before = service.funnel(seeded)
    assert service.purge_messages(seeded, 365) == 1
    purged = seeded.get_node(Label.INTRODUCTION, intro["id"])
    assert "message" not in purged and "reply" not in purged and purged["status"] == "accepted"
    assert seeded.get_node(Label.INTRODUCTION, recent["id"])["message"] == "Neu"
    assert service.funnel(seeded) == before == {
        "requested": 1, "accepted": 1, "declined": 0, "withdrawn": 0, "expired": 0}


def test_notifications_mark_read(seeded):
    service.request_introduction(seeded, SME, "org-ak", "Eins")
    service.request_introduction(seeded, RESEARCHER, "org-ak", "Zwei")
    assert notifications.unread_count(seeded, "acc-ak") == 2
    first = notifications.recent(seeded, "acc-ak").items[0]
    assert notifications.mark_read(seeded, "acc-ak", first["id"]) == 1
    assert notifications.unread_count(seeded, "acc-ak") == 1
    assert notifications.mark_read(seeded, "acc-ak") == 1
    assert notifications.unread_count(seeded, "acc-ak") == 0
