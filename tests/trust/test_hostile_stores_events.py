"""Hostile inputs, continued: the same refusals at the store edge on both adapters, and the
refusals of events and meetings (issue 15) on both stores: each answers with its message and
leaves the data and the change counter as they were."""
from __future__ import annotations

import json

import pytest

from kim_network.core.model import Label, ValidationError
from kim_network.core.visibility import Viewer
from kim_network.services import events as event_service, meetings as meeting_service
from kim_network.services.accounts import issue_api_token
from kim_network.store import InvalidQuery
from tests.conftest import csrf_token
from tests.trust.world import (ACCOUNTS, EVENT_SLOTS, STORE_KINDS, login_as, seed_incoming_request,
                               shared_world_app, store_snapshot as _snapshot, world_for_case)

INJECTION = "name) DETACH DELETE n //"


@pytest.fixture(scope="module", params=STORE_KINDS)
def shared_app(request, tmp_path_factory):
    return shared_world_app(request, tmp_path_factory, "hostile-events")


# -- the same refusals at the store edge, on both adapters --------------------------------------------


@pytest.mark.parametrize("props", [
    {"id": "org-x", "name": "Isar \ud800", "kind": "media_company"},
    {"id": "org-x", "name": "x" * 301, "kind": "media_company"},
    {"id": "org-x", "name": ["Isar"], "kind": "media_company"},
    {"id": "org x' OR 1=1", "name": "Isar", "kind": "media_company"},
    {"id": "org-x", "name": "Isar", "kind": "media_company", "password_hash": "x"},
], ids=["lone-surrogate", "too-long", "array", "id-injection", "unknown-property"])
def test_both_stores_refuse_invalid_nodes(store, props):
    before = store.change_counter()
    with pytest.raises(ValidationError):
        store.create_node(Label.ORGANIZATION, props)
    assert store.count_nodes(Label.ORGANIZATION) == 0
    assert store.change_counter() == before


@pytest.mark.parametrize("call", [
    lambda s: s.list_nodes(Label.ORGANIZATION, order_by=INJECTION),
    lambda s: s.list_nodes(Label.ORGANIZATION, filters={INJECTION: "x"}),
    lambda s: s.list_nodes(Label.ORGANIZATION, filters={"password_hash": "x"}),
    lambda s: s.list_nodes(Label.ORGANIZATION, limit=10**9),
    lambda s: s.list_nodes(Label.ORGANIZATION, offset=-1),
    lambda s: s.search("x" * 501),
], ids=["sort-injection", "filter-injection", "filter-unlisted", "limit-huge", "offset-negative", "search-huge"])
def test_both_stores_refuse_queries_outside_the_whitelists(store, call):
    store.create_node(Label.ORGANIZATION, {"id": "org-x", "name": "Isar", "kind": "media_company"})
    with pytest.raises((InvalidQuery, ValidationError)):
        call(store)
    assert store.count_nodes(Label.ORGANIZATION) == 1


# -- events and meetings: the refusals issue 15 names, on both stores ---------------------------------
# The world's event-1 has two 20-minute slots from 14:00 and two tables. For these cases Carl
# (the "other" member) has asked the member for a meeting at 14:00, and the member's meeting
# with Bernd (meet-ab) is already booked at 14:00, so the member is not free then.


S1, S2 = EVENT_SLOTS
AFTER_DEADLINE = "2031-06-02T18:30:00+02:00"
EVENTS_API = "/api/v1/events/event-1"

# (id, role, method, url, body, clock, status, message): JSON bodies for the API, form data for pages;
# "{incoming}" in a url is Carl's request; clock None: now, else the app's clock is set to it.

def _event_1_form(slot_lines: str) -> dict:
    """The staff's edit form of the world's event-1, unchanged but for its slot grid."""
    return {"title": "KI.M Matchmaking Abend", "date": "2031-06-03", "start_time": "13:30", "end_time": "17:00",
            "visibility": "public", "tables": "2", "slot_lines": slot_lines}

EVENT_CASES = [
    ("api-availability-slot-outside-grid", "member", "PATCH", f"{EVENTS_API}/registration",
     {"availability": [S1, "2031-06-03T09:00"]}, None, 422, "not part of the event's meeting grid"),
    ("api-availability-not-a-slot", "member", "PATCH", f"{EVENTS_API}/registration",
     {"availability": ["morgen früh"]}, None, 422, "not part of the event's meeting grid"),
    ("api-request-slot-outside-grid", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-c", "slot": "2031-06-03T16:00", "message": "Hallo"}, None, 422,
     "not part of the event's meeting grid"),
    ("api-request-slot-of-another-day", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-c", "slot": "2031-06-04T14:00", "message": "Hallo"}, None, 422,
     "not part of the event's meeting grid"),
    ("api-meeting-with-oneself", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-a", "message": "Ich mit mir"}, None, 422, "meeting with yourself"),
    ("api-meeting-with-oneself-in-a-slot", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-a", "slot": S2, "message": "Ich mit mir"}, None, 422, "meeting with yourself"),
    ("api-request-after-the-deadline", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-c", "slot": S2, "message": "Noch schnell?"}, AFTER_DEADLINE, 422,
     "requests for this event are closed"),
    ("api-request-double-booking", "member", "POST", f"{EVENTS_API}/meetings",
     {"recipient": "person-c", "slot": S1, "message": "Um zwei?"}, None, 409, "already has a meeting at 14:00"),
    ("api-accept-double-booking", "member", "POST", "/api/v1/meetings/{incoming}/accept",
     {"reply": "Gern"}, None, 409, "already has a meeting at 14:00"),
    ("api-leave-a-booked-slot", "member", "PATCH", f"{EVENTS_API}/registration",
     {"availability": [S2]}, None, 409, "cancel it before you leave that slot"),
    ("form-availability-slot-outside-grid", "member", "POST", "/events/event-1/preferences",
     {"availability": [S1, "2031-06-03T09:00"], "looks_for": "", "offers": ""}, None, 400,
     "Dieses Zeitfenster gehört nicht zum Terminraster der Veranstaltung."),
    ("form-request-slot-outside-grid", "member", "POST", "/events/event-1/meetings",
     {"recipient": "person-c", "person-c-recipient": "person-c", "person-c-slot": "2031-06-03T16:00",
      "person-c-message": "Hallo"}, None, 400, "Dieses Zeitfenster gehört nicht zum Terminraster der Veranstaltung."),
    ("form-meeting-with-oneself", "member", "POST", "/events/event-1/meetings",
     {"recipient": "person-a", "person-a-recipient": "person-a", "person-a-slot": "", "person-a-message": "Ich"},
     None, 400, "Sie können kein Treffen mit sich selbst anfragen."),
    ("form-request-after-the-deadline", "member", "POST", "/events/event-1/meetings",
     {"recipient": "person-c", "person-c-recipient": "person-c", "person-c-slot": S2,
      "person-c-message": "Noch schnell?"}, AFTER_DEADLINE, 400, "Terminanfragen für diese Veranstaltung sind geschlossen."),
    ("form-request-double-booking", "member", "POST", "/events/event-1/meetings",
     {"recipient": "person-c", "person-c-recipient": "person-c", "person-c-slot": S1,
      "person-c-message": "Um zwei?"}, None, 409, "Dieses Zeitfenster ist für eine Seite schon belegt."),
    ("form-accept-double-booking", "member", "POST", "/meetings/{incoming}/accept", {"reply": "Gern"}, None, 409,
     "Dieses Zeitfenster ist für eine Seite schon belegt."),
    ("form-new-event-overlapping-slots", "staff", "POST", "/staff/events/new",
     {"title": "Überlappend", "date": "2031-07-01", "start_time": "13:00", "end_time": "18:00",
      "visibility": "public", "tables": "3", "slot_lines": "14:00-14:30\n14:20-14:50"}, None, 400,
     "Zwei Zeitfenster überschneiden sich."),
    ("form-edit-event-overlapping-slots", "staff", "POST", "/staff/events/event-1/edit",
     _event_1_form("14:00-14:20\n14:20-14:40\n14:30-14:50"), None, 400, "Zwei Zeitfenster überschneiden sich."),
    ("form-edit-event-slot-outside-the-event", "staff", "POST", "/staff/events/event-1/edit",
     _event_1_form("14:00-14:20\n14:20-14:40\n17:00-17:20"), None, 400, "Ein Zeitfenster liegt außerhalb der Veranstaltungszeit."),
    ("form-edit-event-drops-a-booked-slot", "staff", "POST", "/staff/events/event-1/edit",
     _event_1_form("14:20-14:40"), None, 409, "In einem entfernten Zeitfenster ist ein Treffen eingeplant."),
]


@pytest.fixture
def event_world(shared_app, tmp_path):
    """The world on each store, with Carl's request to the member and the member booked at 14:00."""
    app, store, close = world_for_case(shared_app, tmp_path)
    incoming = seed_incoming_request(store)
    event = event_service.get_event(store, Viewer(role="staff"), "event-1")
    booked = store.get_node(Label.MEETING, "meet-ab")
    table = meeting_service.book(store, event, booked, S1, event.table_names)
    store.update_node(Label.MEETING, "meet-ab", {"status": "scheduled", "scheduled_slot": S1, "table": table})
    try:
        yield app, store, incoming
    finally:
        app.extensions.pop("kim.clock", None)
        close()


@pytest.mark.parametrize("case_id,role,method,url,body,clock,status,message", EVENT_CASES,
                         ids=[c[0] for c in EVENT_CASES])
def test_events_refuse_bad_input_and_change_nothing(event_world, case_id, role, method, url, body, clock, status,
                                                    message):
    from datetime import datetime

    app, store, incoming = event_world
    url = url.replace("{incoming}", incoming)
    if clock:
        moment = datetime.fromisoformat(clock)
        app.extensions["kim.clock"] = lambda: moment
    client = app.test_client()
    if url.startswith("/api/"):
        headers = {"Authorization": f"Bearer {issue_api_token(store, ACCOUNTS[role]['id'])}"}
        before = _snapshot(store)
        response = client.open(url, method=method, json=body, headers=headers)
        text = response.get_json()["error"]["message"] + json.dumps(response.get_json()["error"].get("fields"))
    else:
        login_as(client, store, role)
        token = csrf_token(client, "/")
        before = _snapshot(store)
        response = client.open(url, method=method, data={**body, "csrf_token": token})
        text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert message in text
    assert _snapshot(store) == before
    assert store.get_node(Label.MEETING, incoming)["status"] == "requested"
    assert store.get_node(Label.MEETING, "meet-ab")["scheduled_slot"] == S1


def test_a_refused_request_leaves_no_booking_behind(event_world):
    """The double booking refused above holds nothing: the member's 14:00 is still meet-ab's, and
    14:20 is free for the member and Carl."""
    _app, store, incoming = event_world
    bookings = store.all_nodes(Label.BOOKING, {"event": "event-1"})
    assert {b["meeting"] for b in bookings} == {"meet-ab"} and len(bookings) == 3  # two people, one table
    assert store.count_nodes(Label.MEETING) == 2
