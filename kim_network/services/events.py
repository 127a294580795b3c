"""KI.M events: listing, staff editing, registration with per-event needs, offers and availability.

An event is an `Event` node; matchmaking events carry a slot grid (`slots`, ISO intervals in
local Europe/Berlin time), a number of tables, an optional cap of meetings per person and a
registration deadline. Registering stores an `ATTENDS` edge from the member's `Person` with
a status (registered, attended, cancelled), what they look for and offer at this event
(preselected from their profile, editable) and the slots they are free in.

Rules, all checked here so that pages and the API share them:

- an event is seen by whoever may see it (`visibility`, default public);
- only staff create and edit events; a grid change that would drop a slot in which a
  meeting is scheduled is refused;
- only approved members with a personal profile register, and only before the deadline
  (and before the event starts);
- participants see each other; nobody else does (staff do, to run the event).

This module is the public face of events: staff create and edit events here, and it
offers what `event_model` (the Event read for use, finding and listing events) and
`event_registrations` (taking part, per-event preferences) provide, so callers import
one module. Meetings between participants (and cancelling a registration, which cancels
them) live in `kim_network.services.meetings`; the scheduler run, the staff grid and
exports in `kim_network.services.event_schedule`.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Mapping

from kim_network.core.clock import now_iso
from kim_network.core.errors import NotAllowed
from kim_network.core.model import EVENT_FORMATS, VISIBILITY, Label, Rel
from kim_network.core.visibility import Viewer
from kim_network.scheduling.grid import GridError, Slot, check_within, make_grid, parse_slot_lines, parse_time
from kim_network.services import audit
from kim_network.services.event_model import (
    TZ,
    Event,
    EventError,
    EventNotFound,
    as_event,
    get_event,
    interval,
    list_events,
    local_now,
    meetings_of_event,
    meetings_of_person,
    parse_interval,
)
from kim_network.services.event_registrations import (
    Registration,
    all_registrations,
    mark_attended,
    participants,
    register,
    registration,
    update_preferences,
)
from kim_network.store import GraphStore

__all__ = [
    "Event", "EventError", "EventInput", "EventNotFound", "Registration", "all_registrations", "as_event",
    "build_event_props", "get_event", "list_events", "local_now", "mark_attended", "meetings_of_event",
    "meetings_of_person", "participants", "register", "registration", "save_event", "update_preferences",
]

MAX_TABLES = 500


@dataclass
class EventInput:
    """What staff fill in; `grid` is either generated (slot_minutes, gap, breaks) or hand-written."""

    title: str = ""
    title_en: str = ""
    format: str = ""
    date: str = ""
    start_time: str = ""
    end_time: str = ""
    city: str = ""
    place: str = ""
    description_de: str = ""
    description_en: str = ""
    visibility: str = "public"
    registration_deadline: str = ""  # local YYYY-MM-DDTHH:MM; empty: the start
    tables: int | str = 0
    meeting_cap: int | str | None = None
    slots_from: str = ""  # HH:MM, the meeting window inside the event
    slots_until: str = ""
    slot_minutes: int | str = 20
    slot_gap: int | str = 0
    breaks: str = ""  # lines "HH:MM-HH:MM"
    slot_lines: str = ""  # a hand-written grid, one "HH:MM-HH:MM" a line (wins over the window)


def _int(value, field_name: str, low: int, high: int, allow_none: bool = False) -> int | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise EventError("Enter a whole number.", field_name, "bad_number") from None
    if not low <= number <= high:
        raise EventError(f"Enter a number from {low} to {high}.", field_name, "bad_number")
    return number


def _grid_error(exc: GridError, field_name: str) -> EventError:
    return EventError(str(exc), field_name, exc.code)


def build_event_props(data: EventInput) -> dict:
    """Check staff input and return the Event properties; an EventError names the first problem."""
    title = (data.title or "").strip()
    if not title:
        raise EventError("Enter a title.", "title", "required")
    try:
        day = dt.date.fromisoformat((data.date or "").strip())
    except ValueError:
        raise EventError("Enter the date as YYYY-MM-DD.", "date", "bad_date") from None
    try:
        start = parse_time(data.start_time or "", "start_time")
        end = parse_time(data.end_time or "", "end_time")
    except GridError as exc:
        raise _grid_error(exc, exc.params.get("field") or "start_time") from None
    if end <= start:
        raise EventError("The event must end after it starts.", "end_time", "end_before_start")
    fmt = (data.format or "").strip()
    if fmt and fmt not in EVENT_FORMATS:
        raise EventError("Choose one of the listed formats.", "format", "bad_format")
    visibility = data.visibility or "public"
    if visibility not in VISIBILITY:
        raise EventError("Choose one of the listed options.", "visibility", "bad_visibility")
    tables = _int(data.tables, "tables", 0, MAX_TABLES)
    starts, ends = dt.datetime.combine(day, start), dt.datetime.combine(day, end)
    grid: tuple[Slot, ...] = ()
    try:
        if (data.slot_lines or "").strip():
            grid = parse_slot_lines(day, data.slot_lines)
            field_name = "slot_lines"
        elif (data.slots_from or "").strip():
            field_name = "slots_from"
            breaks = []
            for line in (data.breaks or "").splitlines():
                if line.strip():
                    pause = parse_slot_lines(day, line)[0]
                    breaks.append((pause.start.time(), pause.end.time()))
            grid = make_grid(day, parse_time(data.slots_from, "slots_from"),
                             parse_time(data.slots_until or "", "slots_until"),
                             _int(data.slot_minutes, "slot_minutes", 5, 240),
                             gap=_int(data.slot_gap or 0, "slot_gap", 0, 240), breaks=breaks)
        if grid:
            check_within(grid, starts, ends)
    except GridError as exc:
        raise _grid_error(exc, locals().get("field_name", "slot_lines")) from None
    if grid and not tables:
        raise EventError("A meeting grid needs at least one table.", "tables", "no_tables")
    cap = _int(data.meeting_cap, "meeting_cap", 1, max(len(grid), 1), allow_none=True)
    deadline = starts
    if (data.registration_deadline or "").strip():
        try:
            deadline = dt.datetime.fromisoformat(data.registration_deadline.strip())
        except ValueError:
            raise EventError("Enter the deadline as YYYY-MM-DD HH:MM.", "registration_deadline", "bad_date") from None
        if deadline.tzinfo is not None:
            deadline = deadline.astimezone(TZ).replace(tzinfo=None)
        if deadline > starts:
            raise EventError("The registration deadline must not be after the start.", "registration_deadline",
                             "deadline_after_start")
    for name, limit in (("title_en", 500), ("city", 120), ("place", 300), ("title", 500)):
        if len((getattr(data, name) or "").strip()) > limit:
            raise EventError(f"Longer than {limit} characters.", name, "too_long")
    return {
        "title": title,
        "title_en": (data.title_en or "").strip() or None,
        "format": fmt or None,
        "date": day.isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "city": (data.city or "").strip() or None,
        "place": (data.place or "").strip() or None,
        "description_de": (data.description_de or "").strip() or None,
        "description_en": (data.description_en or "").strip() or None,
        "visibility": visibility,
        "registration_deadline": deadline.isoformat(timespec="minutes"),
        "tables": tables,
        "meeting_cap": cap,
        "slots": [interval(s) for s in grid],
    }


def save_event(store: GraphStore, viewer: Viewer, data: EventInput, event_id: str | None = None,
               now: dt.datetime | None = None) -> Event:
    """Create (no `event_id`) or edit an event. Staff only; audited.

    An edit that removes a slot holding a scheduled meeting, or leaves fewer tables than a
    slot's meetings use, is refused: nothing changes.
    """
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff create and edit events.")
    props = build_event_props(data)
    if event_id is None:
        node = store.create_node(Label.EVENT, {"id": "event-" + uuid.uuid4().hex[:12], **props,
                                               "source": "staff", "created_at": now_iso(now),
                                               "updated_at": now_iso(now)})
        audit.record(store, viewer.account_id, "event_created", node["id"], {"title": props["title"]})
        return as_event(node)
    event = get_event(store, viewer, event_id)
    _check_grid_change(store, event, props)
    node = store.update_node(Label.EVENT, event.id, {**props, "updated_at": now_iso(now)})
    _drop_vanished_slots(store, event.id, {parse_interval(s).id for s in props["slots"]}, now)
    audit.record(store, viewer.account_id, "event_updated", event.id, {"title": props["title"]})
    return as_event(node)


def _check_grid_change(store: GraphStore, event: Event, props: Mapping) -> None:
    new_slots = {parse_interval(s).id for s in props["slots"]}
    used: dict[str, int] = {}
    for m in meetings_of_event(store, event.id):
        if m["status"] != "scheduled":
            continue
        slot = m.get("scheduled_slot")
        if slot not in new_slots:
            label = event.slot(slot).label if slot in {s.id for s in event.grid} else slot
            raise EventError(f"A meeting is scheduled at {label}; that slot cannot be removed.", "slots",
                             "slot_in_use", status=409)
        used[slot] = used.get(slot, 0) + 1
        table = m.get("table") or ""
        if table.startswith("T") and table[1:].isdigit() and int(table[1:]) > props["tables"]:
            raise EventError(f"A meeting is scheduled at table {table[1:]}; keep at least that many tables.",
                             "tables", "table_in_use", status=409)
    if used and max(used.values()) > props["tables"]:
        raise EventError("More meetings are scheduled in a slot than there would be tables.", "tables",
                         "table_in_use", status=409)


def _drop_vanished_slots(store: GraphStore, event_id: str, kept: set[str], now) -> None:
    """Availability of registrations follows a grid change: removed slots go, new slots come in
    for everyone who was free in every old slot."""
    for reg in all_registrations(store, event_id):
        free = reg.availability
        new = [s for s in free if s in kept]
        if new != free:
            store.upsert_edges(Rel.ATTENDS, [{"source": reg.person_id, "target": event_id, "availability": new,
                                              "updated_at": now_iso(now)}])
