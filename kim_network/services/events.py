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

Meetings between participants (and cancelling a registration, which cancels them) live in
`kim_network.services.meetings`; the scheduler run,
the staff grid and exports in `kim_network.services.event_schedule`.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from kim_network.core.clock import now_iso, utcnow
from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.model import EVENT_FORMATS, VISIBILITY, Label, Rel, ValidationError, check_id, display_name
from kim_network.core.visibility import Viewer, can_see
from kim_network.scheduling.grid import GridError, Slot, check_within, find_slot, make_grid, parse_slot_lines, parse_time
from kim_network.services import audit
from kim_network.store import GraphStore

TZ = ZoneInfo("Europe/Berlin")
ACTIVE = ("registered", "attended")
MAX_TABLES = 500
MAX_NOTE = 500
MAX_SKILLS = 30


class EventError(Invalid):
    """Input that does not fit an event; ``field`` names it, ``code`` says what (for tests)."""

    def __init__(self, message, field=None, code="invalid", status=None):
        super().__init__(message, field, status)
        self.code = code


class EventNotFound(NotFound):
    """No such event, or the viewer may not see it."""


def interval(slot: Slot) -> str:
    """A slot as stored: ``start/end`` ISO interval."""
    return f"{slot.start.isoformat(timespec='minutes')}/{slot.end.isoformat(timespec='minutes')}"


def parse_interval(text: str) -> Slot:
    start, _, end = str(text).partition("/")
    return Slot.from_json({"start": start, "end": end})


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """The current wall-clock time in Munich, naive (how event times are stored)."""
    return (now or utcnow()).astimezone(TZ).replace(tzinfo=None)


@dataclass
class Event:
    """An event node read for use: parsed dates, times and grid."""

    node: dict
    grid: tuple[Slot, ...] = ()

    @property
    def id(self) -> str:
        return self.node["id"]

    def title(self, lang: str = "de") -> str:
        return (self.node.get("title_en") if lang == "en" else None) or self.node.get("title") or self.id

    def description(self, lang: str = "de") -> str:
        key = "description_en" if lang == "en" else "description_de"
        return self.node.get(key) or self.node.get("description_de") or ""

    @property
    def day(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.node.get("date") or "")
        except ValueError:
            return None

    def _at(self, key: str, default: dt.time) -> dt.datetime | None:
        day = self.day
        if day is None:
            return None
        try:
            moment = parse_time(self.node[key]) if self.node.get(key) else default
        except GridError:
            moment = default
        return dt.datetime.combine(day, moment)

    @property
    def starts(self) -> dt.datetime | None:
        return self._at("start_time", dt.time(0, 0))

    @property
    def ends(self) -> dt.datetime | None:
        return self._at("end_time", dt.time(23, 59))

    @property
    def deadline(self) -> dt.datetime | None:
        """Registrations and meeting requests are open until then (default: the start)."""
        raw = self.node.get("registration_deadline")
        if raw:
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                pass
        return self.starts

    @property
    def tables(self) -> int:
        return int(self.node.get("tables") or 0)

    @property
    def table_names(self) -> list[str]:
        return [f"T{i}" for i in range(1, self.tables + 1)]

    @property
    def cap(self) -> int | None:
        return self.node.get("meeting_cap")

    @property
    def matchmaking(self) -> bool:
        return bool(self.grid) and self.tables > 0

    def slot(self, slot_id: str) -> Slot:
        """The slot of this id, or ``slot_outside_grid``."""
        try:
            return find_slot(self.grid, slot_id)
        except GridError as exc:
            raise EventError("This slot is not part of the event's meeting grid.", "slot", exc.code) from None

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Registration and meeting requests still accepted."""
        deadline = self.deadline
        return deadline is not None and local_now(now) < deadline

    def is_over(self, now: dt.datetime | None = None) -> bool:
        ends = self.ends
        return ends is not None and local_now(now) >= ends

    def has_started(self, now: dt.datetime | None = None) -> bool:
        starts = self.starts
        return starts is not None and local_now(now) >= starts


def as_event(node: Mapping) -> Event:
    grid: tuple[Slot, ...] = ()
    rows = node.get("slots") or []
    try:
        grid = tuple(sorted(parse_interval(r) for r in rows))
    except GridError:
        grid = ()  # a damaged grid shows as "no matchmaking" rather than a 500
    return Event(dict(node), grid)


def get_event(store: GraphStore, viewer: Viewer, event_id: str) -> Event:
    """The event if the viewer may see it; otherwise EventNotFound (hidden = unknown)."""
    try:
        node = store.get_node(Label.EVENT, check_id(event_id, "event"))
    except ValidationError:
        node = None
    if node is None or not can_see(viewer, Label.EVENT, node):
        raise EventNotFound("This event does not exist.")
    return as_event(node)


def list_events(store: GraphStore, viewer: Viewer, *, upcoming: bool = True, now: dt.datetime | None = None,
                limit: int = 100) -> list[Event]:
    """Upcoming events, soonest first, or past ones, latest first; only those the viewer may see."""
    today = local_now(now).date().isoformat()
    out = []
    for node in store.all_nodes(Label.EVENT, None, order_by="date"):
        date = node.get("date") or ""
        if (date >= today) != upcoming or not can_see(viewer, Label.EVENT, node):
            continue
        out.append(as_event(node))
    out.sort(key=lambda e: (e.node.get("date") or "", e.node.get("start_time") or ""), reverse=not upcoming)
    return out[:limit]


# -- the meetings of an event, as records (the workflow is in services/meetings.py) ------
def meetings_of_event(store: GraphStore, event_id: str, status: Iterable[str] | None = None) -> list[dict]:
    filters: dict = {"event": event_id}
    if status is not None:
        filters["status"] = list(status)
    return store.all_nodes(Label.MEETING, filters, order_by="created_at")


def meetings_of_person(store: GraphStore, event_id: str, person_id: str | None) -> list[dict]:
    if not person_id:
        return []
    out = {}
    for side in ("requester", "recipient"):
        for m in store.all_nodes(Label.MEETING, {"event": event_id, side: person_id}, order_by="created_at"):
            out[m["id"]] = m
    return sorted(out.values(), key=lambda m: m.get("created_at") or "")


# -- registrations ----------------------------------------------------------------------
@dataclass
class Registration:
    """One participant of an event as the service reads it."""

    person_id: str
    props: dict
    person: dict = field(default_factory=dict)
    organization: dict | None = None

    @property
    def status(self) -> str:
        return self.props.get("status") or "registered"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def availability(self) -> list[str]:
        return list(self.props.get("availability") or [])

    @property
    def looks_for(self) -> list[str]:
        return list(self.props.get("looks_for") or [])

    @property
    def offers(self) -> list[str]:
        return list(self.props.get("offers") or [])

    @property
    def name(self) -> str:
        return display_name(Label.PERSON, self.person) if self.person else self.person_id

    @property
    def organization_id(self) -> str | None:
        return self.props.get("organization") or (self.organization or {}).get("id")


def registration(store: GraphStore, event_id: str, person_id: str | None) -> Registration | None:
    """A person's registration for an event (any status), or None."""
    if not person_id:
        return None
    for edge in store.edges(Label.PERSON, person_id, Rel.ATTENDS, "out"):
        if edge.target == event_id:
            return Registration(person_id, dict(edge.props))
    return None


def is_participant(store: GraphStore, viewer: Viewer, event: Event) -> bool:
    reg = registration(store, event.id, viewer.person_id)
    return reg is not None and reg.active


def participants(store: GraphStore, viewer: Viewer, event: Event, *, include_cancelled: bool = False) -> list[Registration]:
    """Who takes part: for staff and for the participants themselves, nobody else.

    Each participant must also be visible to the viewer under the usual profile rule.
    """
    if not (viewer.is_staff or is_participant(store, viewer, event)):
        raise NotAllowed("Only participants see who else takes part.")
    return _registrations(store, event.id, viewer, include_cancelled)


def _registrations(store: GraphStore, event_id: str, viewer: Viewer | None, include_cancelled: bool = False) -> list[Registration]:
    edges = [e for e in store.edges(Label.EVENT, event_id, Rel.ATTENDS, "in")]
    people = store.get_nodes(Label.PERSON, [e.source for e in edges])
    org_ids = sorted({e.props.get("organization") for e in edges if e.props.get("organization")})
    orgs = store.get_nodes(Label.ORGANIZATION, org_ids) if org_ids else {}
    out = []
    for e in edges:
        person = people.get(e.source)
        if person is None or (viewer is not None and not can_see(viewer, Label.PERSON, person)):
            continue
        reg = Registration(e.source, dict(e.props), person, orgs.get(e.props.get("organization") or ""))
        if reg.active or include_cancelled:
            out.append(reg)
    return sorted(out, key=lambda r: r.name.casefold())


def all_registrations(store: GraphStore, event_id: str) -> list[Registration]:
    """Every active registration, unfiltered: for the scheduler and the figures (services only)."""
    return _registrations(store, event_id, None)


def _profile_skills(store: GraphStore, viewer: Viewer, rel: Rel) -> list[str]:
    ids: list[str] = []
    for label, node_id in ((Label.PERSON, viewer.person_id), (Label.ORGANIZATION, viewer.organization_id)):
        if node_id:
            ids += [e.target for e in store.edges(label, node_id, rel, "out")]
    return list(dict.fromkeys(ids))[:MAX_SKILLS]


def register(store: GraphStore, viewer: Viewer, event_id: str, now: dt.datetime | None = None) -> Registration:
    """Register the viewer; what they look for and offer comes from their profile, they are
    free in every slot until they say otherwise. Registering again changes nothing."""
    event = get_event(store, viewer, event_id)
    if not viewer.is_member or not viewer.account_id:
        raise NotAllowed("Only members register for events.")
    if not viewer.person_id:
        raise EventError("Your account has no personal profile yet; add one to take part.", "person", "no_person")
    if not event.is_open(now):
        raise EventError("Registration for this event is closed.", "event", "registration_closed")
    existing = registration(store, event.id, viewer.person_id)
    if existing is not None and existing.active:
        return existing
    props = {
        "status": "registered",
        "organization": viewer.organization_id,
        "looks_for": _profile_skills(store, viewer, Rel.NEEDS),
        "offers": _profile_skills(store, viewer, Rel.OFFERS),
        "availability": [s.id for s in event.grid],
        "registered_at": now_iso(now),
        "updated_at": now_iso(now),
    }
    if existing is not None:  # cancelled before: keep what they had chosen
        props.update({k: existing.props[k] for k in ("looks_for", "offers", "note", "max_meetings")
                      if existing.props.get(k) is not None})
    row = {"source": viewer.person_id, "target": event.id, **{k: v for k, v in props.items() if v is not None}}
    store.upsert_edges(Rel.ATTENDS, [row])
    return registration(store, event.id, viewer.person_id)


def _skill_ids(store: GraphStore, values: Iterable[str], field_name: str) -> list[str]:
    ids = [str(v).strip() for v in values if str(v).strip()]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_SKILLS:
        raise EventError(f"Choose at most {MAX_SKILLS} skills.", field_name, "too_many_skills")
    for skill_id in ids:
        try:
            check_id(skill_id, field_name)
        except ValidationError:
            raise EventError("Unknown skill.", field_name, "unknown_skill") from None
    found = store.get_nodes(Label.SKILL, ids) if ids else {}
    missing = [s for s in ids if s not in found]
    if missing:
        raise EventError("Unknown skill: %s" % missing[0][:40], field_name, "unknown_skill")
    return ids


def update_preferences(
    store: GraphStore,
    viewer: Viewer,
    event_id: str,
    *,
    looks_for: Sequence[str] | None = None,
    offers: Sequence[str] | None = None,
    availability: Sequence[str] | None = None,
    max_meetings: int | None | str = "",
    note: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Change what the viewer looks for and offers at this event, their free slots, their own
    cap and note. Everything is checked first; on any error nothing changes.

    Leaving a slot in which a meeting is scheduled is refused (cancel that meeting first).
    """
    event = get_event(store, viewer, event_id)
    reg = registration(store, event.id, viewer.person_id)
    if reg is None or not reg.active:
        raise EventError("You are not registered for this event.", "event", "not_registered")
    if event.is_over(now):
        raise EventError("The event is over.", "event", "over")
    changes: dict = {}
    if looks_for is not None:
        changes["looks_for"] = _skill_ids(store, looks_for, "looks_for")
    if offers is not None:
        changes["offers"] = _skill_ids(store, offers, "offers")
    if availability is not None:
        slots = list(dict.fromkeys(str(s) for s in availability))
        for slot_id in slots:
            event.slot(slot_id)
        busy = [m for m in meetings_of_person(store, event.id, viewer.person_id)
                if m["status"] == "scheduled" and m.get("scheduled_slot") not in slots]
        if busy:
            label = event.slot(busy[0]["scheduled_slot"]).label
            raise EventError(f"You have a meeting at {label}; cancel it before you leave that slot.",
                             "availability", "busy_slot", status=409)
        changes["availability"] = [s.id for s in event.grid if s.id in slots]
    if max_meetings != "":
        if max_meetings is None:
            # Edges merge their properties, so "no cap of my own" is stored as the cap that
            # cannot bind: one meeting per slot.
            max_meetings = len(event.grid)
        try:
            max_meetings = int(max_meetings)
        except (TypeError, ValueError):
            raise EventError("Enter a whole number.", "max_meetings", "bad_cap") from None
        if not 0 <= max_meetings <= len(event.grid):
            raise EventError(f"Enter a number from 0 to {len(event.grid)}.", "max_meetings", "bad_cap")
        changes["max_meetings"] = max_meetings
    if note is not None:
        text = note.strip()
        if len(text) > MAX_NOTE:
            raise EventError(f"The note is longer than {MAX_NOTE} characters.", "note", "too_long")
        changes["note"] = text
    if not changes:
        return reg
    store.upsert_edges(Rel.ATTENDS, [{"source": viewer.person_id, "target": event.id, **changes,
                                      "updated_at": now_iso(now)}])
    return registration(store, event.id, viewer.person_id)


def mark_attended(store: GraphStore, event_id: str, person_id: str, organization_id: str | None,
                  now: dt.datetime | None = None) -> None:
    """The person was there: the registration says so, and the graph remembers it (ATTENDED)."""
    reg = registration(store, event_id, person_id)
    if reg is not None and reg.status != "attended":
        store.upsert_edges(Rel.ATTENDS, [{"source": person_id, "target": event_id, "status": "attended",
                                          "updated_at": now_iso(now)}])
    rows = [{"source": person_id, "target": event_id, "source_label": Label.PERSON, "role": "participant"}]
    store.upsert_edges(Rel.ATTENDED, rows)
    if organization_id:
        store.upsert_edges(Rel.ATTENDED, [{"source": organization_id, "target": event_id,
                                           "source_label": Label.ORGANIZATION, "role": "participant"}])


# -- staff: create and edit -------------------------------------------------------------
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

