"""Events and meetings as the services enforce them, on both stores: what members and staff would notice."""
from __future__ import annotations

import icalendar
import pytest

from kim_network.core.errors import NotAllowed
from kim_network.core.model import Label, Rel
from kim_network.scheduling import SolverSettings
from kim_network.services import event_schedule as sched, events as ev, meetings as mt, notifications
from kim_network.services.feedback import feedback_of
from tests.support.world import (AFTER, ALEX, ANNA, BEFORE, DURING, EVENT_STAFF as STAFF, LENA, OUTSIDER, S1, S2, S3,
                                 event_input, seed_event)

FAST = SolverSettings(deterministic_limit=5.0, workers=1)


@pytest.fixture
def world(store):
    return store, seed_event(store)


def snapshot(store):
    """Everything a bad input could have changed."""
    counts = {label.value: store.count_nodes(label) for label in Label}
    counts.update({rel.value: store.count_edges(rel) for rel in Rel})
    nodes = sorted((l, n["id"], str(sorted(n.items()))) for l, n in store.export_nodes([Label.MEETING, Label.EVENT,
                                                                                      Label.BOOKING]))
    edges = sorted((e.source, e.target, str(sorted(e.props.items()))) for e in store.export_edges([Rel.ATTENDS]))
    return counts, nodes, edges


def register_all(store, event_id, *viewers):
    for v in viewers:
        ev.register(store, v, event_id, now=BEFORE)


def booked_meeting(store, event_id, slot):
    """Anna and Alex registered; Anna asked Alex for `slot` and he accepted (so it is booked)."""
    register_all(store, event_id, ANNA, ALEX)
    meeting = mt.request(store, ANNA, event_id, "p-alex", slot, "Hallo", now=BEFORE)
    mt.answer(store, ALEX, meeting["id"], True, now=BEFORE)
    return meeting


def test_registration_takes_needs_and_offers_from_the_profile(world):
    store, eid = world
    anna = ev.register(store, ANNA, eid, now=BEFORE)
    assert anna.status == "registered" and anna.looks_for == ["subtitles"] and anna.offers == []
    assert anna.availability == [S1, S2, S3]
    alex = ev.register(store, ALEX, eid, now=BEFORE)
    assert alex.offers == ["subtitles"]
    assert ev.register(store, ANNA, eid, now=BEFORE).props == anna.props  # again: nothing changes


def test_registration_after_the_deadline_is_refused(world):
    store, eid = world
    before = snapshot(store)
    with pytest.raises(ev.EventError) as err:
        ev.register(store, ANNA, eid, now=DURING)
    assert err.value.code == "registration_closed"
    assert snapshot(store) == before


def test_only_participants_and_staff_see_who_takes_part(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    event = ev.get_event(store, ANNA, eid)
    assert [r.person_id for r in ev.participants(store, ANNA, event)] == ["p-alex", "p-anna"]
    assert len(ev.participants(store, STAFF, event)) == 2
    with pytest.raises(NotAllowed):
        ev.participants(store, OUTSIDER, event)


def test_only_staff_create_and_edit_events(world):
    store, eid = world
    with pytest.raises(NotAllowed):
        ev.save_event(store, ANNA, event_input(), now=BEFORE)
    with pytest.raises(NotAllowed):
        ev.save_event(store, ANNA, event_input(title="Gekapert"), eid, now=BEFORE)
    assert store.get_node(Label.EVENT, eid)["title"] == "Matchmaking-Abend: Untertitel"


@pytest.mark.parametrize("overrides, field, code", [
    (dict(slot_lines="14:00-14:30\n14:15-14:45"), "slot_lines", "slot_overlap"),
    (dict(slots_from="12:00", slots_until="13:00"), "slots_from", "slot_outside_event"),
    (dict(date="2031-02-30"), "date", "bad_date"),
    (dict(end_time="13:00"), "end_time", "end_before_start"),
    (dict(tables=0), "tables", "no_tables"),
    (dict(tables=-1), "tables", "bad_number"),
    (dict(registration_deadline="2031-06-04T10:00"), "registration_deadline", "deadline_after_start"),
    (dict(title="  "), "title", "required"),
    (dict(format="party"), "format", "bad_format"),
    (dict(meeting_cap=9), "meeting_cap", "bad_number"),
])
def test_bad_event_input_is_refused_and_changes_nothing(world, overrides, field, code):
    store, eid = world
    before = snapshot(store)
    for target in (None, eid):
        with pytest.raises(ev.EventError) as err:
            ev.save_event(store, STAFF, event_input(**overrides), target, now=BEFORE)
        assert (err.value.field, err.value.code) == (field, code)
    assert snapshot(store) == before


def test_request_accept_schedules_a_fixed_slot_and_reveals_contacts_only_then(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    m = mt.request(store, ANNA, eid, "p-alex", S2, "Untertitel für Dialekte?", now=BEFORE)
    assert m["status"] == "requested" and notifications.unread_count(store, "acc-ak") == 1
    assert mt.contacts(store, ANNA, m) == {} and mt.contacts(store, ALEX, m) == {}
    with pytest.raises(mt.MeetingNotFound):
        mt.get_meeting(store, OUTSIDER, m["id"])  # only the two sides see it
    with pytest.raises(NotAllowed):
        mt.answer(store, ANNA, m["id"], True, now=BEFORE)  # the requester does not answer
    m = mt.answer(store, ALEX, m["id"], True, "Gern!", now=BEFORE)
    assert (m["status"], m["scheduled_slot"], m["table"]) == ("scheduled", S2, "T1")
    anna_sees = mt.contacts(store, ANNA, m)
    assert anna_sees["name"] == "Alex Klang" and anna_sees["email"] == "alex@alpenklang.example"
    assert "phone" not in anna_sees  # the phone is for staff only
    assert mt.contacts(store, ALEX, m)["email"] == "anna@bergmedia.example"
    assert notifications.unread_count(store, "acc-bm") == 1


@pytest.mark.parametrize("who, recipient, slot, now, code", [
    ("anna", "p-anna", None, BEFORE, "self_meeting"),
    ("anna", "p-fritz", None, BEFORE, "not_participant"),
    ("anna", "p-alex", "2031-06-03T14:10", BEFORE, "slot_outside_grid"),
    ("anna", "p-alex", "2031-06-03T18:00", BEFORE, "slot_outside_grid"),
    ("anna", "p-alex", None, DURING, "deadline_passed"),
])
def test_bad_requests_are_refused_and_change_nothing(world, who, recipient, slot, now, code):
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    before = snapshot(store)
    with pytest.raises((mt.MeetingError, ev.EventError)) as err:
        mt.request(store, ANNA, eid, recipient, slot, "Hallo", now=now)
    assert err.value.code == code
    assert snapshot(store) == before


def test_a_non_participant_cannot_request(world):
    store, eid = world
    register_all(store, eid, ALEX)
    with pytest.raises(NotAllowed):
        mt.request(store, ANNA, eid, "p-alex", None, "Hallo", now=BEFORE)


def test_a_double_booking_is_refused_and_changes_nothing(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    first = mt.request(store, ANNA, eid, "p-alex", S1, "Erstes Treffen", now=BEFORE)
    mt.answer(store, ALEX, first["id"], True, now=BEFORE)
    # Lena asks Alex for the same slot: refused at once.
    before = snapshot(store)
    with pytest.raises(mt.DoubleBooking):
        mt.request(store, LENA, eid, "p-alex", S1, "Auch um zwei?", now=BEFORE)
    assert snapshot(store) == before
    # Two open requests for one slot: the second acceptance is the double booking.
    a = mt.request(store, LENA, eid, "p-anna", S2, "Um 14:20?", now=BEFORE)
    b = mt.request(store, ALEX, eid, "p-lena", S2, "Um 14:20?", now=BEFORE)
    mt.answer(store, ANNA, a["id"], True, now=BEFORE)
    before = snapshot(store)
    with pytest.raises(mt.DoubleBooking):
        mt.answer(store, LENA, b["id"], True, now=BEFORE)
    assert snapshot(store) == before
    assert store.get_node(Label.MEETING, b["id"])["status"] == "requested"


def test_a_second_open_request_between_the_same_two_is_refused(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    mt.request(store, ANNA, eid, "p-alex", None, "Hallo", now=BEFORE)
    with pytest.raises(mt.MeetingError) as err:
        mt.request(store, ALEX, eid, "p-anna", None, "Hallo zurück", now=BEFORE)
    assert err.value.code == "duplicate"


def test_leaving_a_slot_with_a_meeting_is_refused(world):
    store, eid = world
    booked_meeting(store, eid, S1)
    before = snapshot(store)
    with pytest.raises(ev.EventError) as err:
        ev.update_preferences(store, ANNA, eid, availability=[S2, S3], now=BEFORE)
    assert err.value.code == "busy_slot"
    with pytest.raises(ev.EventError) as err:
        ev.update_preferences(store, ANNA, eid, availability=[S1, "2031-06-03T19:00"], now=BEFORE)
    assert err.value.code == "slot_outside_grid"
    with pytest.raises(ev.EventError) as err:
        ev.update_preferences(store, ANNA, eid, looks_for=["subtitles", "no-such-skill"], now=BEFORE)
    assert err.value.code == "unknown_skill"
    assert snapshot(store) == before
    reg = ev.update_preferences(store, ANNA, eid, looks_for=["asr"], availability=[S1, S3], max_meetings=2,
                                note="Dialekte", now=BEFORE)
    assert (reg.looks_for, reg.availability, reg.props["max_meetings"], reg.props["note"]) == \
           (["asr"], [S1, S3], 2, "Dialekte")


def test_a_grid_change_that_drops_a_booked_slot_is_refused(world):
    store, eid = world
    m = booked_meeting(store, eid, S3)
    before = snapshot(store)
    with pytest.raises(ev.EventError) as err:
        ev.save_event(store, STAFF, event_input(slots_until="14:40"), eid, now=BEFORE)
    assert err.value.code == "slot_in_use"
    assert snapshot(store) == before
    # Widening the grid keeps the meeting.
    ev.save_event(store, STAFF, event_input(slots_until="16:00"), eid, now=BEFORE)
    assert store.get_node(Label.MEETING, m["id"])["scheduled_slot"] == S3


def test_the_scheduler_places_accepted_requests_and_explains_the_rest(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    ev.update_preferences(store, ALEX, eid, availability=[S1, S2], now=BEFORE)
    m1 = mt.request(store, ANNA, eid, "p-alex", None, "Untertitel", now=BEFORE)
    m2 = mt.request(store, ANNA, eid, "p-lena", None, "Dialekte", now=BEFORE)
    m3 = mt.request(store, LENA, eid, "p-alex", None, "Forschung", now=BEFORE)
    for viewer, m in ((ALEX, m1), (LENA, m2), (ALEX, m3)):
        mt.answer(store, viewer, m["id"], True, now=BEFORE)
    ev.update_preferences(store, LENA, eid, availability=[S3], now=BEFORE)  # Lena comes late after all
    with pytest.raises(mt.MeetingError) as err:  # now Lena and Alex have no free slot in common
        mt.request(store, ALEX, eid, "p-lena", None, "Noch einmal", now=BEFORE)
    assert err.value.code in ("no_common_slot", "duplicate")
    with pytest.raises(NotAllowed):
        sched.run_scheduler(store, ANNA, eid, now=BEFORE, settings=FAST)
    report = sched.run_scheduler(store, STAFF, eid, now=BEFORE, settings=FAST)
    assert report.placed == 2 and [u.meeting["id"] for u in report.unplaced] == [m3["id"]]
    assert report.unplaced[0].reason == "no_common_slot"
    placed = {m["id"]: m for m in mt.of_event(store, eid, ("scheduled",))}
    assert placed[m2["id"]]["scheduled_slot"] == S3
    assert placed[m1["id"]]["scheduled_slot"] in (S1, S2)
    assert store.get_node(Label.MEETING, m3["id"])["unplaced_reason"] == "no_common_slot"
    # Running again changes nothing.
    again = sched.run_scheduler(store, STAFF, eid, now=BEFORE, settings=FAST)
    assert again.placed == 2 and again.moved == 0
    assert {m["id"]: (m["scheduled_slot"], m["table"]) for m in mt.of_event(store, eid, ("scheduled",))} == \
           {k: (v["scheduled_slot"], v["table"]) for k, v in placed.items()}
    grid = sched.meeting_grid(store, STAFF, ev.get_event(store, STAFF, eid))
    assert (S3, placed[m2["id"]]["table"]) in grid
    csv_text = sched.grid_csv(store, STAFF, ev.get_event(store, STAFF, eid))
    assert "Dr. Lena Huber" in csv_text and csv_text.startswith("\ufeffBeginn;Ende;Tisch")
    assert [r.person_id for r in sched.without_meetings(store, STAFF, ev.get_event(store, STAFF, eid))] == []


def test_agenda_and_calendar_file(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    m = mt.request(store, ANNA, eid, "p-alex", S2, "Hallo", now=BEFORE)
    mt.answer(store, ALEX, m["id"], True, now=BEFORE)
    event = ev.get_event(store, ANNA, eid)
    (entry,) = mt.agenda(store, ANNA, event)
    assert entry.other["name"] == "Alex Klang" and entry.slot.id == S2
    from kim_network.services import agenda as ag
    ics = ag.calendar_file(store, ANNA, event, base_url="https://kim.example", lang="de", now=BEFORE)
    cal = icalendar.Calendar.from_ical(ics)
    (vevent,) = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("meeting-")]
    assert str(vevent["uid"]) == f"meeting-{m['id']}@kim-netzwerk"
    assert vevent["dtstart"].params["TZID"] == "Europe/Berlin"
    assert "Alex Klang" in str(vevent["summary"]) and "Tisch 1" in str(vevent["location"])


def test_after_the_event_we_met_links_the_organisations_and_feeds_feedback(world):
    store, eid = world
    m = booked_meeting(store, eid, S1)
    with pytest.raises(mt.MeetingError) as err:
        mt.record_outcome(store, ANNA, m["id"], "met", "useful", now=BEFORE)
    assert err.value.code == "too_early"
    with pytest.raises(mt.MeetingNotFound):
        mt.record_outcome(store, OUTSIDER, m["id"], "met", now=AFTER)
    assert store.count_edges(Rel.MET) == 0
    mt.record_outcome(store, ANNA, m["id"], "met", "useful", now=AFTER)
    (edge,) = [e for e in store.edges(Label.ORGANIZATION, "org-ak", Rel.MET, "out")]
    assert edge.target == "org-bm" and edge.props["event"] == eid and edge.props["weight"] == 1.0
    assert ev.registration(store, eid, "p-anna").status == "attended"
    assert [f["value"] for f in feedback_of(store, "acc-bm", "org-bm", "partners")] == ["useful"]
    figures = sched.figures(store, ev.get_event(store, STAFF, eid))
    assert (figures.participants, figures.requested, figures.placed, figures.held, figures.useful) == (2, 1, 1, 1, 1)
    # The other side says it did not happen: not held, the edge goes.
    mt.record_outcome(store, ALEX, m["id"], "not_met", now=AFTER)
    assert store.count_edges(Rel.MET) == 0


def test_cancelling_frees_the_slot(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    m = mt.request(store, ANNA, eid, "p-alex", S1, "Hallo", now=BEFORE)
    mt.answer(store, ALEX, m["id"], True, now=BEFORE)
    mt.cancel(store, ALEX, m["id"], now=BEFORE)
    assert store.count_nodes(Label.BOOKING) == 0
    assert notifications.unread_count(store, "acc-bm") == 2  # accepted, then cancelled
    other = mt.request(store, LENA, eid, "p-alex", S1, "Jetzt frei?", now=BEFORE)
    assert mt.answer(store, ALEX, other["id"], True, now=BEFORE)["status"] == "scheduled"


def test_cancelling_the_registration_cancels_open_meetings(world):
    store, eid = world
    m = booked_meeting(store, eid, S1)
    mt.cancel_registration(store, ANNA, eid, now=BEFORE)
    assert store.get_node(Label.MEETING, m["id"])["status"] == "cancelled"
    assert store.count_nodes(Label.BOOKING) == 0
    assert ev.registration(store, eid, "p-anna").status == "cancelled"


def test_suggestions_come_from_the_matching_engine_and_only_name_attendees(world):
    from kim_network.matching.projection_build import projection_from_store
    from kim_network.services import event_matches

    store, eid = world
    register_all(store, eid, ANNA, ALEX, OUTSIDER)
    event = ev.get_event(store, ANNA, eid)
    proj = projection_from_store(store)
    found = event_matches.suggestions(proj, store, ANNA, event)
    assert [s.person_id for s in found][:1] == ["p-alex"]  # Alpenklang offers the subtitles Bergmedia needs
    kinds = {r.kind for r in found[0].reasons}
    assert {"offers", "inferred_skills", "reciprocal", "event_offers"} & kinds
    assert all(s.person_id in {"p-alex", "p-fritz"} for s in found)  # participants only, never oneself
    # A participant who offers nothing Anna looks for and looks for nothing she offers is no
    # meeting suggestion, however similar (Frankenfunk is a broadcaster like her).
    assert "p-fritz" not in [s.person_id for s in found]
    # Declared for this event: Fritz offers subtitles here, so now he is suggested, saying so.
    ev.update_preferences(store, OUTSIDER, eid, offers=["subtitles"], now=BEFORE)
    found = event_matches.suggestions(proj, store, ANNA, event)
    fritz = next(s for s in found if s.person_id == "p-fritz")
    assert fritz.reasons[0].kind == "event_offers" and "Automatische Untertitelung" in fritz.reasons[0].text_de
    with pytest.raises(NotAllowed):
        event_matches.suggestions(proj, store, LENA, event)  # not registered


def test_a_meeting_held_shows_on_the_map_as_a_met_edge(world):
    from kim_network.analytics.ecosystem import build_ecosystem
    from kim_network.analytics.mapdata import build_map
    from kim_network.analytics.snapshot import EXPORT_LABELS, EXPORT_RELS

    store, eid = world
    m = booked_meeting(store, eid, S1)

    def edge_type():
        eco = build_ecosystem(list(store.export_nodes(EXPORT_LABELS)), list(store.export_edges(EXPORT_RELS)), ANNA)
        types = {frozenset((e["source"], e["target"])): e["type"] for e in build_map(eco, {}, {}).edges}
        return types.get(frozenset(("Organization:org-bm", "Organization:org-ak")))

    assert edge_type() is None  # Bergmedia and Alpenklang share no project
    mt.record_outcome(store, ALEX, m["id"], "met", "useful", now=AFTER)
    assert edge_type() == "met"


# -- bookings under concurrency and after a crash ---------------------------------------------------

def test_a_booking_in_flight_counts_and_a_refused_acceptance_writes_nothing(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    a = mt.request(store, LENA, eid, "p-anna", S2, "Um 14:20?", now=BEFORE)
    b = mt.request(store, ALEX, eid, "p-anna", S2, "Auch um 14:20?", now=BEFORE)
    event = ev.get_event(store, STAFF, eid)
    # The moment between the two writes of Anna accepting Lena: the slot is booked, the meeting
    # not yet marked scheduled. Accepting Alex for the same slot must not take it over.
    mt.book(store, event, store.get_node(Label.MEETING, a["id"]), S2, event.table_names, now=BEFORE)
    counter = store.change_counter()
    with pytest.raises(mt.DoubleBooking):
        mt.answer(store, ANNA, b["id"], True, now=BEFORE)
    assert store.change_counter() == counter  # refused before anything was written
    assert {bk["meeting"] for bk in store.all_nodes(Label.BOOKING, {"event": eid})} == {a["id"]}
    assert store.get_node(Label.MEETING, b["id"])["status"] == "requested"


def test_a_full_slot_is_refused_before_anything_is_written(world):
    store, eid = world
    ev.save_event(store, STAFF, event_input(tables=1), eid, now=BEFORE)
    register_all(store, eid, ANNA, ALEX, LENA, OUTSIDER)
    first = mt.request(store, ANNA, eid, "p-alex", S1, "Um zwei?", now=BEFORE)
    mt.answer(store, ALEX, first["id"], True, now=BEFORE)
    second = mt.request(store, LENA, eid, "p-fritz", S1, "Auch um zwei?", now=BEFORE)
    counter = store.change_counter()
    with pytest.raises(mt.DoubleBooking) as err:
        mt.answer(store, OUTSIDER, second["id"], True, now=BEFORE)
    assert err.value.code == "no_table"
    assert store.change_counter() == counter
    assert store.get_node(Label.MEETING, second["id"])["status"] == "requested"


def test_a_booking_left_behind_by_a_cancelled_meeting_does_not_block_the_slot(world):
    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    m = mt.request(store, ANNA, eid, "p-alex", S1, "Hallo", now=BEFORE)
    mt.answer(store, ALEX, m["id"], True, now=BEFORE)
    # A crash between the two writes of a cancellation: the meeting is cancelled, its bookings stay.
    store.update_node(Label.MEETING, m["id"], {"status": "cancelled"})
    assert store.count_nodes(Label.BOOKING) == 3
    other = mt.request(store, LENA, eid, "p-alex", S1, "Jetzt frei?", now=BEFORE)
    assert mt.answer(store, ALEX, other["id"], True, now=BEFORE)["status"] == "scheduled"
    held = {bk["holder"]: bk["meeting"] for bk in store.all_nodes(Label.BOOKING, {"event": eid})}
    assert held["p-alex"] == other["id"] and held["p-lena"] == other["id"]
    assert set(held.values()) <= {m["id"], other["id"]} and "p-anna" in held  # Anna's own stays until claimed


def test_two_acceptances_at_once_book_a_slot_once(world):
    """Anna accepts two requests for the same slot from two threads at once, three times over:
    each time exactly one is scheduled, the other is refused and holds nothing."""
    import threading

    store, eid = world
    register_all(store, eid, ANNA, ALEX, LENA)
    for slot in (S1, S2, S3):
        a = mt.request(store, LENA, eid, "p-anna", slot, "Lena fragt", now=BEFORE)
        b = mt.request(store, ALEX, eid, "p-anna", slot, "Alex fragt", now=BEFORE)
        barrier, outcome = threading.Barrier(2), {}

        def accept(meeting_id):
            barrier.wait()
            try:
                outcome[meeting_id] = mt.answer(store, ANNA, meeting_id, True, now=BEFORE)["status"]
            except mt.DoubleBooking:
                outcome[meeting_id] = "refused"

        threads = [threading.Thread(target=accept, args=(m["id"],)) for m in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcome.values()) == ["refused", "scheduled"], outcome
        (winner,) = [k for k, v in outcome.items() if v == "scheduled"]
        (loser,) = [k for k, v in outcome.items() if v == "refused"]
        in_slot = [bk for bk in store.all_nodes(Label.BOOKING, {"event": eid}) if bk["slot"] == slot]
        assert {bk["meeting"] for bk in in_slot} == {winner} and len(in_slot) == 3
        assert store.get_node(Label.MEETING, loser)["status"] == "requested"
        # The next round starts without open requests between them.
        mt.answer(store, ANNA, loser, False, now=BEFORE)
        mt.cancel(store, ANNA, winner, now=BEFORE)


def test_meeting_notifications_and_mails_come_from_the_catalogue_in_each_readers_language(world):
    """Alex reads English (his account's language), Anna German: each gets the request and the
    answer in their own language, with the event's title in that language too."""
    store, eid = world
    register_all(store, eid, ANNA, ALEX)
    mails = []
    meeting = mt.request(store, ANNA, eid, "p-alex", S1, "Untertitel?", now=BEFORE,
                         mailer=lambda to, subject, body: mails.append((to, subject, body)), base_url="https://k.example")
    mt.answer(store, ALEX, meeting["id"], True, now=BEFORE,
              mailer=lambda to, subject, body: mails.append((to, subject, body)), base_url="https://k.example")
    to_alex = notifications.recent(store, "acc-ak").items[0]
    assert to_alex["text_de"].startswith("Anna Berg möchte Sie bei „Matchmaking-Abend: Untertitel“ treffen (gewünscht: ")
    assert to_alex["text_en"].startswith("Anna Berg would like to meet you at “Matchmaking evening: subtitles” (asked for: ")
    to_anna = notifications.recent(store, "acc-bm").items[0]
    assert to_anna["text_de"].startswith("Alex Klang hat Ihr Treffen bei „Matchmaking-Abend: Untertitel“ angenommen um ")
    assert ", Tisch " in to_anna["text_de"] and ", table " in to_anna["text_en"]
    (alex_to, alex_subject, alex_body), (anna_to, anna_subject, anna_body) = mails
    assert alex_to == "alex@alpenklang.example" and alex_subject == "KI.M Netzwerk: meeting"
    assert alex_body.startswith(to_alex["text_en"]) and "https://k.example/events/" in alex_body
    assert anna_to == "anna@bergmedia.example" and anna_subject == "KI.M Netzwerk: Treffen"
    assert anna_body.startswith(to_anna["text_de"])
