"""The shared test world (tests/web/ecosystem.py) plus what events need: people behind the
member accounts and one upcoming matchmaking event with a 14:00–15:00 grid of 20-minute slots."""
from __future__ import annotations

import datetime as dt

from kim_network.core.model import Label, Rel
from kim_network.core.visibility import Viewer
from kim_network.services import events as ev
from tests.web import ecosystem

DAY = dt.date(2031, 6, 3)
# "Now" for the tests: a week before the event, in UTC.
BEFORE = dt.datetime(2031, 5, 27, 9, 0, tzinfo=dt.timezone.utc)
DURING = dt.datetime(2031, 6, 3, 13, 0, tzinfo=dt.timezone.utc)  # 15:00 in Munich: after the slots
AFTER = dt.datetime(2031, 6, 4, 9, 0, tzinfo=dt.timezone.utc)
S1, S2, S3 = "2031-06-03T14:00", "2031-06-03T14:20", "2031-06-03T14:40"

ANNA = Viewer(role="member", account_id="acc-bm", organization_id="org-bm", person_id="p-anna")
ALEX = Viewer(role="member", account_id="acc-ak", organization_id="org-ak", person_id="p-alex")
LENA = ecosystem.RESEARCHER
STAFF = Viewer(role="staff", account_id="acc-staff", person_id="p-team")
OUTSIDER = Viewer(role="member", account_id="acc-fk", organization_id="org-fk", person_id="p-fritz")


def event_input(**overrides) -> ev.EventInput:
    data = dict(title="Matchmaking-Abend: Untertitel", title_en="Matchmaking evening: subtitles",
                format="matchmaking", date=DAY.isoformat(), start_time="13:30", end_time="17:00",
                city="München", place="Haus der Medien, Rundfunkplatz 1", tables=2,
                slots_from="14:00", slots_until="15:00", slot_minutes=20,
                registration_deadline="2031-06-02T18:00")
    data.update(overrides)
    return ev.EventInput(**data)


def seed(store) -> str:
    """The world; returns the event id."""
    ecosystem.seed(store)
    store.upsert_nodes(Label.PERSON, [
        {"id": "p-anna", "name": "Anna Berg", "kind": "media_professional", "visibility": "members",
         "email": "anna.berg@bergmedia.example", "email_visibility": "members"},
        {"id": "p-alex", "name": "Alex Klang", "kind": "expert", "visibility": "members",
         "phone": "+49 821 777", "phone_visibility": "staff"},
        {"id": "p-fritz", "name": "Fritz Funk", "kind": "media_professional", "visibility": "members"},
        {"id": "p-team", "name": "KI.M Team", "kind": "expert", "visibility": "members"},
    ])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "p-anna", "target": "org-bm"},
                                      {"source": "p-alex", "target": "org-ak"},
                                      {"source": "p-fritz", "target": "org-fk"}])
    store.update_node(Label.ACCOUNT, "acc-bm", {"person_id": "p-anna"})
    store.update_node(Label.ACCOUNT, "acc-ak", {"person_id": "p-alex"})
    store.update_node(Label.ACCOUNT, "acc-staff", {"person_id": "p-team"})
    store.upsert_nodes(Label.ACCOUNT, [ecosystem.account("acc-fk", "fritz@frankenfunk.example",
                                                         organization_id="org-fk", person_id="p-fritz")])
    return ev.save_event(store, STAFF, event_input(), now=BEFORE).id
