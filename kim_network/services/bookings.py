"""Slot bookings: what makes a double booking of a person or a table impossible.

A scheduled meeting holds three `SlotBooking` nodes — (event, slot, each person) and
(event, slot, table) — whose ids are derived from those three values and unique in both
stores, so of two writers claiming the same person or table in a slot, one creates the
node and the other gets AlreadyExists: the second acceptance gets a clear conflict and
nothing changes.

The invariant: a scheduled meeting holds the bookings of its scheduled slot; a meeting
being booked (an acceptance, or the scheduler placing it) is still requested or accepted,
and a meeting moved to another slot is unscheduled before its new slot is booked. So a
booking is *stale* only when its meeting is gone, declined or cancelled, or scheduled in
another slot: what a crash between two writes can leave behind, cleared by the next
claim. Any other booking is live, also one written a moment ago by a concurrent
acceptance that has not yet updated its meeting.

The meeting workflow that books and frees slots is in `kim_network.services.meetings`,
the scheduler's run in `kim_network.services.event_schedule`.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Mapping

from kim_network.core.clock import now_iso
from kim_network.core.errors import Conflict
from kim_network.core.model import Label, display_name
from kim_network.services.event_model import Event
from kim_network.store import AlreadyExists, GraphStore

#: A meeting in one of these states holds its bookings (scheduled) or may be getting them
#: (an acceptance or the scheduler at work).
HOLDING = ("requested", "accepted", "scheduled")


class DoubleBooking(Conflict):
    """The slot is taken for one of the two people, or no table is left in it."""

    def __init__(self, message, field="slot", code="double_booking"):
        super().__init__(message, field)
        self.code = code


def _booking_id(event_id: str, slot_id: str, holder: str) -> str:
    return "bk-" + hashlib.sha256(f"{event_id}|{slot_id}|{holder}".encode()).hexdigest()[:28]


def _live_holder(store: GraphStore, booking: Mapping | None, slot_id: str) -> str | None:
    """The id of the meeting a booking is held by, or None when there is none or it is stale."""
    if booking is None:
        return None
    meeting = store.get_node(Label.MEETING, booking.get("meeting", ""))
    if meeting is None or meeting.get("status") not in HOLDING:
        return None
    if meeting["status"] == "scheduled" and meeting.get("scheduled_slot") != slot_id:
        return None
    return meeting["id"]


def _held_by(store: GraphStore, event_id: str, slot_id: str, holder: str) -> str | None:
    """The meeting that holds `holder` (a person id or ``table:T3``) in the slot, if any."""
    return _live_holder(store, store.get_node(Label.BOOKING, _booking_id(event_id, slot_id, holder)), slot_id)


def _claim(store: GraphStore, meeting: Mapping, slot_id: str, holder: str, now) -> bool:
    """Create one booking; False when the holder is already booked in that slot by a live meeting.

    The unique booking id makes this atomic in both stores: of two concurrent claims one
    creates the node and the other gets AlreadyExists. A stale booking is cleared and the
    claim tried once more.
    """
    booking_id = _booking_id(meeting["event"], slot_id, holder)
    row = {"id": booking_id, "event": meeting["event"], "slot": slot_id, "holder": holder,
           "meeting": meeting["id"], "created_at": now_iso(now)}
    for _ in range(2):
        try:
            store.create_node(Label.BOOKING, row)
            return True
        except AlreadyExists:
            existing = store.get_node(Label.BOOKING, booking_id)
            if existing is None:
                continue
            if existing.get("meeting") == meeting["id"]:
                return True
            if _live_holder(store, existing, slot_id) is not None:
                return False
            store.delete_node(Label.BOOKING, booking_id)  # stale
    return False


def release(store: GraphStore, meeting_id: str) -> None:
    """Free every booking a meeting holds."""
    for booking in store.all_nodes(Label.BOOKING, {"meeting": meeting_id}):
        store.delete_node(Label.BOOKING, booking["id"])


def book(store: GraphStore, event: Event, meeting: Mapping, slot_id: str, tables: Iterable[str],
         now=None) -> str:
    """Book both people and a free table in a slot for this meeting; returns the table.

    Raises DoubleBooking (and holds nothing) when a person is taken or no table is free.
    What is visibly taken is refused before anything is written; the claims themselves
    decide between concurrent writers.
    """
    people = (meeting["requester"], meeting["recipient"])
    for person in people:
        if _held_by(store, event.id, slot_id, person) not in (None, meeting["id"]):
            raise DoubleBooking(f"{_name(store, person)} already has a meeting at {event.slot(slot_id).label}.")
    free_tables = [t for t in dict.fromkeys(tables)
                   if _held_by(store, event.id, slot_id, f"table:{t}") in (None, meeting["id"])]
    if not free_tables:
        raise DoubleBooking(f"No table is left at {event.slot(slot_id).label}.", code="no_table")
    taken = []
    try:
        for person in people:
            if not _claim(store, meeting, slot_id, person, now):
                raise DoubleBooking(f"{_name(store, person)} already has a meeting at {event.slot(slot_id).label}.")
            taken.append(_booking_id(event.id, slot_id, person))
        for table in free_tables:
            if _claim(store, meeting, slot_id, f"table:{table}", now):
                taken.append(_booking_id(event.id, slot_id, f"table:{table}"))
                return table
        raise DoubleBooking(f"No table is left at {event.slot(slot_id).label}.", code="no_table")
    except BaseException:
        for booking_id in taken:
            store.delete_node(Label.BOOKING, booking_id)
        raise


def _name(store: GraphStore, person_id: str) -> str:
    person = store.get_node(Label.PERSON, person_id) or {"id": person_id, "name": person_id}
    return display_name(Label.PERSON, person)


def is_free(store: GraphStore, event: Event, person_id: str, slot_id: str) -> bool:
    """Whether no live meeting holds the person in the slot."""
    return _held_by(store, event.id, slot_id, person_id) is None
