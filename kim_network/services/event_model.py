"""An event as the services read it: its dates, registration deadline, meeting grid and tables
(`Event`), finding one the viewer may see, listing upcoming and past events, and the
meeting records of an event.

Times are local Europe/Berlin wall-clock times, stored naive; `local_now` turns the
current (or a test's) UTC moment into one. The slot grid is stored as ISO intervals
(`interval`, `parse_interval`); a damaged grid reads as "no matchmaking" rather than an
error. The public face of events is `kim_network.services.events`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from kim_network.core.clock import utcnow
from kim_network.core.errors import Invalid, NotFound
from kim_network.core.model import Label, ValidationError, check_id
from kim_network.core.visibility import Viewer, can_see
from kim_network.scheduling.grid import GridError, Slot, find_slot, parse_time
from kim_network.store import GraphStore

TZ = ZoneInfo("Europe/Berlin")


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
