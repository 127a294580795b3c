"""The meeting slot grid of an event: building, parsing and validating slots.

A slot is a stretch of local wall-clock time (the event's time zone, Europe/Berlin for
KI.M formats) during which one 1:1 meeting takes place at a table. Slots are naive
``datetime`` pairs; the time zone is attached only where a calendar file needs it, so the
grid stays comparable and serialisable without tz arithmetic. A slot's id is its start,
``YYYY-MM-DDTHH:MM``, which is unique in a grid because slots never overlap.

Every error here is a :class:`GridError` with a stable ``code`` and ``params`` so the web
layer can show it in German or English; the English ``str()`` is for logs and scripts.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

#: Shortest and longest meeting slot staff may configure, in minutes.
MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240
#: A grid with more slots than this is a typo (a 5-minute grid over a whole day is 144).
MAX_SLOTS = 200

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
_RANGE = re.compile(r"^\s*(\S+)\s*[-–—]\s*(\S+)\s*$")


class GridError(ValueError):
    """A slot grid, or a slot looked up in it, is not valid.

    Attributes
    ----------
    code : str
        Stable machine-readable reason, e.g. ``"slot_overlap"`` or ``"slot_outside_grid"``.
    params : dict
        The values the message names (slot labels, limits), for a translated message.
    """

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, order=True)
class Slot:
    """One meeting slot: naive local start and end.

    >>> s = Slot(dt.datetime(2026, 6, 3, 14, 0), dt.datetime(2026, 6, 3, 14, 20))
    >>> s.id, s.label, s.minutes
    ('2026-06-03T14:00', '14:00–14:20', 20)
    """

    start: dt.datetime
    end: dt.datetime

    @property
    def id(self) -> str:
        return self.start.strftime("%Y-%m-%dT%H:%M")

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: "Slot") -> bool:
        """True when the two slots share any time (touching ends do not overlap).

        >>> a = Slot(dt.datetime(2026, 6, 3, 14), dt.datetime(2026, 6, 3, 14, 20))
        >>> b = Slot(dt.datetime(2026, 6, 3, 14, 20), dt.datetime(2026, 6, 3, 14, 40))
        >>> a.overlaps(b), a.overlaps(Slot(dt.datetime(2026, 6, 3, 14, 10), dt.datetime(2026, 6, 3, 14, 30)))
        (False, True)
        """
        return self.start < other.end and other.start < self.end

    def to_json(self) -> dict:
        return {"start": self.start.isoformat(timespec="minutes"), "end": self.end.isoformat(timespec="minutes")}

    @classmethod
    def from_json(cls, data: Mapping) -> "Slot":
        """The inverse of :meth:`to_json`; a malformed entry is a :class:`GridError`.

        >>> Slot.from_json({"start": "2026-06-03T14:00", "end": "2026-06-03T14:20"}).label
        '14:00–14:20'
        """
        try:
            start = dt.datetime.fromisoformat(str(data["start"]))
            end = dt.datetime.fromisoformat(str(data["end"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise GridError("bad_slot", f"not a slot: {data!r}", value=str(data)) from exc
        if start.tzinfo or end.tzinfo:
            raise GridError("bad_slot", "slot times are local wall-clock times without a zone", value=str(data))
        return cls(start, end)


def parse_time(text: str, field: str = "time") -> dt.time:
    """``"14:00"`` or ``"9.30"`` → a ``time``; anything else is a :class:`GridError`.

    >>> parse_time("9.30")
    datetime.time(9, 30)
    >>> parse_time("25:00")
    Traceback (most recent call last):
    ...
    kim_network.scheduling.grid.GridError: time: '25:00' is not a time of day (HH:MM)
    """
    m = _TIME.match(str(text or ""))
    if not m:
        raise GridError("bad_time", f"{field}: {text!r} is not a time of day (HH:MM)", field=field, value=str(text))
    return dt.time(int(m.group(1)), int(m.group(2)))


def make_grid(
    day: dt.date,
    start: dt.time,
    end: dt.time,
    minutes: int,
    *,
    gap: int = 0,
    breaks: Iterable[tuple[dt.time, dt.time]] = (),
) -> tuple[Slot, ...]:
    """Consecutive slots of ``minutes`` from ``start`` to ``end`` on ``day``.

    ``gap`` minutes are left between slots (time to change tables); a slot that would
    touch a break is moved to the break's end; a last slot that would run past ``end`` is
    left out, so the grid never leaves the window staff gave.

    Examples
    --------
    20-minute slots from 14:00 to 17:00 (nine slots):

    >>> grid = make_grid(dt.date(2026, 6, 3), dt.time(14), dt.time(17), 20)
    >>> len(grid), grid[0].label, grid[-1].label
    (9, '14:00–14:20', '16:40–17:00')

    With a coffee break from 15:20 to 15:40 and five minutes to change tables:

    >>> [s.label for s in make_grid(dt.date(2026, 6, 3), dt.time(14), dt.time(16), 20,
    ...                             gap=5, breaks=[(dt.time(15, 20), dt.time(15, 40))])]
    ['14:00–14:20', '14:25–14:45', '14:50–15:10', '15:40–16:00']
    """
    if not isinstance(minutes, int) or not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise GridError(
            "bad_slot_length",
            f"slot length must be {MIN_SLOT_MINUTES}–{MAX_SLOT_MINUTES} minutes, not {minutes!r}",
            minimum=MIN_SLOT_MINUTES, maximum=MAX_SLOT_MINUTES, value=minutes,
        )
    if not isinstance(gap, int) or not 0 <= gap <= MAX_SLOT_MINUTES:
        raise GridError("bad_gap", f"the gap between slots must be 0–{MAX_SLOT_MINUTES} minutes", value=gap)
    first, last = dt.datetime.combine(day, start), dt.datetime.combine(day, end)
    if last <= first:
        raise GridError("window_end_before_start", f"the meeting window ends ({end:%H:%M}) before it starts ({start:%H:%M})",
                        start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    pauses = []
    for b_start, b_end in breaks:
        pause = Slot(dt.datetime.combine(day, b_start), dt.datetime.combine(day, b_end))
        if pause.end <= pause.start:
            raise GridError("bad_break", f"the break {pause.label} ends before it starts", slot=pause.label)
        pauses.append(pause)
    step, length = dt.timedelta(minutes=minutes + gap), dt.timedelta(minutes=minutes)
    slots, t = [], first
    while t + length <= last:
        candidate = Slot(t, t + length)
        clash = next((p for p in sorted(pauses) if candidate.overlaps(p)), None)
        if clash is not None:
            t = clash.end
            continue
        slots.append(candidate)
        if len(slots) > MAX_SLOTS:
            raise GridError("too_many_slots", f"more than {MAX_SLOTS} slots", maximum=MAX_SLOTS)
        t += step
    if not slots:
        raise GridError("empty_grid", "no slot fits into the meeting window")
    return tuple(slots)


def parse_slot_lines(day: dt.date, text: str) -> tuple[Slot, ...]:
    """A hand-written grid: one ``HH:MM-HH:MM`` range a line (blank lines ignored), validated.

    >>> [s.label for s in parse_slot_lines(dt.date(2026, 6, 3), "14:00-14:30\\n15:00 – 15:30")]
    ['14:00–14:30', '15:00–15:30']
    >>> parse_slot_lines(dt.date(2026, 6, 3), "14:00-14:30\\n14:15-14:45")
    Traceback (most recent call last):
    ...
    kim_network.scheduling.grid.GridError: slots 14:00–14:30 and 14:15–14:45 overlap
    """
    slots = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = _RANGE.match(line)
        if not m:
            raise GridError("bad_slot", f"line {number}: {line.strip()!r} is not a range HH:MM-HH:MM",
                            line=number, value=line.strip())
        start = parse_time(m.group(1), f"line {number}")
        end = parse_time(m.group(2), f"line {number}")
        slots.append(Slot(dt.datetime.combine(day, start), dt.datetime.combine(day, end)))
    return validate_grid(slots)


def validate_grid(slots: Iterable[Slot]) -> tuple[Slot, ...]:
    """The slots in time order, or a :class:`GridError` naming the first problem.

    Problems: no slot, a slot that ends before it starts or is shorter than
    ``MIN_SLOT_MINUTES`` / longer than ``MAX_SLOT_MINUTES``, two slots that overlap, too
    many slots.

    >>> d = dt.date(2026, 6, 3)
    >>> validate_grid([Slot(dt.datetime.combine(d, dt.time(15)), dt.datetime.combine(d, dt.time(14)))])
    Traceback (most recent call last):
    ...
    kim_network.scheduling.grid.GridError: slot 15:00–14:00 must end after it starts
    """
    ordered = sorted(slots)
    if not ordered:
        raise GridError("empty_grid", "the grid has no slot")
    if len(ordered) > MAX_SLOTS:
        raise GridError("too_many_slots", f"more than {MAX_SLOTS} slots", maximum=MAX_SLOTS)
    for slot in ordered:
        if slot.end <= slot.start:
            raise GridError("slot_end_before_start", f"slot {slot.label} must end after it starts", slot=slot.label)
        if not MIN_SLOT_MINUTES <= slot.minutes <= MAX_SLOT_MINUTES:
            raise GridError(
                "bad_slot_length",
                f"slot {slot.label} lasts {slot.minutes} minutes; allowed are {MIN_SLOT_MINUTES}–{MAX_SLOT_MINUTES}",
                slot=slot.label, minimum=MIN_SLOT_MINUTES, maximum=MAX_SLOT_MINUTES, value=slot.minutes,
            )
    # Sorted by start: a slot overlaps an earlier one exactly when it starts before the
    # latest end seen so far (a long slot can contain several later ones).
    latest = ordered[0]
    for slot in ordered[1:]:
        if latest.overlaps(slot):
            raise GridError("slot_overlap", f"slots {latest.label} and {slot.label} overlap",
                            slot=latest.label, other=slot.label)
        if slot.end > latest.end:
            latest = slot
    return tuple(ordered)


def check_within(slots: Sequence[Slot], start: dt.datetime, end: dt.datetime) -> None:
    """A :class:`GridError` unless every slot lies inside the event's ``start``–``end``.

    >>> d = dt.date(2026, 6, 3)
    >>> check_within(make_grid(d, dt.time(14), dt.time(15), 30), dt.datetime(2026, 6, 3, 14, 30), dt.datetime(2026, 6, 3, 18))
    Traceback (most recent call last):
    ...
    kim_network.scheduling.grid.GridError: slot 14:00–14:30 lies outside the event (14:30–18:00)
    """
    window = f"{start:%H:%M}–{end:%H:%M}"
    for slot in slots:
        if slot.start < start or slot.end > end:
            raise GridError("slot_outside_event", f"slot {slot.label} lies outside the event ({window})",
                            slot=slot.label, window=window)


def grid_from_json(rows: Iterable[Mapping]) -> tuple[Slot, ...]:
    """A stored grid (a list of ``{"start", "end"}``) back into validated slots."""
    return validate_grid(Slot.from_json(row) for row in rows)


def grid_to_json(slots: Iterable[Slot]) -> list[dict]:
    """A grid as plain JSON rows, in time order.

    >>> grid_to_json(make_grid(dt.date(2026, 6, 3), dt.time(14), dt.time(14, 40), 20))
    [{'start': '2026-06-03T14:00', 'end': '2026-06-03T14:20'}, {'start': '2026-06-03T14:20', 'end': '2026-06-03T14:40'}]
    """
    return [s.to_json() for s in sorted(slots)]


def find_slot(slots: Sequence[Slot], slot_id: str) -> Slot:
    """The slot with this id, or a ``slot_outside_grid`` :class:`GridError`.

    >>> grid = make_grid(dt.date(2026, 6, 3), dt.time(14), dt.time(15), 20)
    >>> find_slot(grid, "2026-06-03T14:20").label
    '14:20–14:40'
    >>> find_slot(grid, "2026-06-03T18:00")
    Traceback (most recent call last):
    ...
    kim_network.scheduling.grid.GridError: slot 2026-06-03T18:00 is not in the event's grid
    """
    for slot in slots:
        if slot.id == slot_id:
            return slot
    raise GridError("slot_outside_grid", f"slot {slot_id} is not in the event's grid", slot=str(slot_id)[:40])
