"""The event pages through the test client, on both stores: what members and staff click."""
from __future__ import annotations

import icalendar
import pytest

from kim_network.core.model import Label
from tests.conftest import csrf_token
from tests.support.world import AFTER, BEFORE, S2, seed_event
from tests.support.client import login, text_of


@pytest.fixture
def site(app, store):
    event_id = seed_event(store)
    clock = {"now": BEFORE}
    app.extensions["kim.clock"] = lambda: clock["now"]
    return app, store, event_id, clock


def post(client, url, data=None, page=None):
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def test_member_journey_register_request_accept_agenda_and_ics(site):
    app, store, eid, clock = site
    anna, alex = app.test_client(), app.test_client()
    login(anna, "anna@bergmedia.example")
    login(alex, "alex@alpenklang.example")
    listing = text_of(anna.get("/events"))
    assert "Matchmaking-Abend: Untertitel" in listing
    assert post(anna, f"/events/{eid}/register", page=f"/events/{eid}").status_code == 302
    assert post(alex, f"/events/{eid}/register", page=f"/events/{eid}").status_code == 302
    prefs = text_of(anna.get(f"/events/{eid}/preferences"))
    assert "Automatische Untertitelung" in prefs and "14:20–14:40" in prefs
    page = text_of(anna.get(f"/events/{eid}/suggestions"))
    assert "Alex Klang" in page and 'id="suggestion-p-alex"' in page
    response = post(anna, f"/events/{eid}/meetings", {"recipient": "p-alex", "p-alex-recipient": "p-alex",
                                                       "p-alex-slot": S2, "p-alex-message": "Untertitel?"},
                    page=f"/events/{eid}/suggestions")
    assert response.status_code == 302, text_of(response)[:500]
    (meeting,) = store.all_nodes(Label.MEETING, {"event": eid})
    assert "alex@alpenklang.example" not in text_of(anna.get(f"/events/{eid}/agenda"))
    agenda = text_of(alex.get(f"/events/{eid}/agenda"))
    assert "Untertitel?" in agenda and 'action="/meetings/%s/accept"' % meeting["id"] in agenda
    assert post(alex, f"/meetings/{meeting['id']}/accept", page=f"/events/{eid}/agenda").status_code == 302
    agenda = text_of(anna.get(f"/events/{eid}/agenda"))
    assert "14:20–14:40" in agenda and "alex@alpenklang.example" in agenda
    ics = anna.get(f"/events/{eid}/agenda.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(ics.data)
    assert any("Alex Klang" in str(e["summary"]) for e in cal.walk("VEVENT"))
    # After the event: "we met" with a follow-up.
    clock["now"] = AFTER
    response = post(anna, f"/meetings/{meeting['id']}/outcome", {"outcome": "met", "follow_up": "useful"},
                    page=f"/events/{eid}/agenda")
    assert response.status_code == 302
    assert store.get_node(Label.MEETING, meeting["id"])["outcome_requester"] == "met"


def test_bad_input_gets_a_clear_error_and_changes_nothing(site):
    app, store, eid, clock = site
    anna, alex = app.test_client(), app.test_client()
    login(anna, "anna@bergmedia.example")
    login(alex, "alex@alpenklang.example")
    post(anna, f"/events/{eid}/register", page=f"/events/{eid}")
    post(alex, f"/events/{eid}/register", page=f"/events/{eid}")
    for data, status in [
        ({"recipient": "p-anna", "p-anna-recipient": "p-anna", "p-anna-message": "Ich?"}, 400),
        ({"recipient": "p-alex", "p-alex-recipient": "p-alex", "p-alex-slot": "2031-06-03T19:00",
          "p-alex-message": "Abends?"}, 400),
    ]:
        response = post(anna, f"/events/{eid}/meetings", data, page=f"/events/{eid}/agenda")
        assert response.status_code == status
        assert "form-error" in text_of(response)
    assert store.count_nodes(Label.MEETING) == 0
    response = post(anna, f"/events/{eid}/preferences", {"availability": ["2031-06-03T19:00"]},
                    page=f"/events/{eid}/preferences")
    assert response.status_code == 400
    clock["now"] = AFTER
    response = post(anna, f"/events/{eid}/meetings", {"recipient": "p-alex", "p-alex-recipient": "p-alex",
                                                       "p-alex-message": "Zu spät"}, page=f"/events/{eid}")
    assert response.status_code == 400 and store.count_nodes(Label.MEETING) == 0


def test_staff_create_run_scheduler_and_export(site):
    app, store, eid, clock = site
    staff, anna, alex = app.test_client(), app.test_client(), app.test_client()
    login(staff, "team@ki-m.example")
    login(anna, "anna@bergmedia.example")
    login(alex, "alex@alpenklang.example")
    response = post(staff, "/staff/events/new", {
        "title": "KI.M Werkstatt", "date": "2031-07-01", "start_time": "10:00", "end_time": "12:00",
        "visibility": "public", "slots_from": "10:00", "slots_until": "10:40", "slot_minutes": "20", "tables": "3",
        "slot_gap": "0"})
    assert response.status_code == 302, text_of(response)[:800]
    bad = post(staff, "/staff/events/new", {"title": "Kaputt", "date": "2031-07-01", "start_time": "10:00",
                                             "end_time": "12:00", "visibility": "public",
                                             "slot_lines": "10:00-10:30\n10:15-10:45", "tables": "2"})
    assert bad.status_code == 400 and store.count_nodes(Label.EVENT) == 2
    for client in (anna, alex):
        post(client, f"/events/{eid}/register", page=f"/events/{eid}")
    post(anna, f"/events/{eid}/meetings", {"recipient": "p-alex", "p-alex-recipient": "p-alex",
                                           "p-alex-message": "Irgendwann?"}, page=f"/events/{eid}/suggestions")
    (meeting,) = store.all_nodes(Label.MEETING, {"event": eid})
    post(alex, f"/meetings/{meeting['id']}/accept", page=f"/events/{eid}/agenda")
    assert anna.post(f"/staff/events/{eid}/schedule").status_code in (400, 403)
    page = post(staff, f"/staff/events/{eid}/schedule", page=f"/staff/events/{eid}")
    assert page.status_code == 200 and "schedule-report" in text_of(page)
    assert store.get_node(Label.MEETING, meeting["id"])["status"] == "scheduled"
    csv = staff.get(f"/staff/events/{eid}/grid.csv")
    assert csv.status_code == 200 and "Alex Klang" in csv.get_data(as_text=True)
    assert anna.get(f"/staff/events/{eid}/grid.csv").status_code == 403
    assert "Meetings at events" in text_of(staff.get("/analytics?lang=en")) or \
        "Treffen bei Veranstaltungen" in text_of(staff.get("/analytics"))
