"""The scheduling problem and its answer: who takes part, the accepted requests, the knobs of
a run, the schedule, and the check that the input is consistent before anything is solved."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .reasons import Unplaced

MAX_VALUE = 1000.0
MAX_REQUESTS = 20_000


class ScheduleInputError(ValueError):
    """The scheduling input is inconsistent; nothing was solved.

    ``code`` is stable (``"self_meeting"``, ``"unknown_slot"``, ...) and ``params`` name the
    offending ids, so a service can turn it into a translated message.
    """

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Participant:
    """Someone who takes part in the event's meetings.

    Parameters
    ----------
    id : str
    available : frozenset of str, optional
        Slot ids this person can meet in; ``None`` means every slot.
    protected : bool
        An SME or a newcomer: their first meetings get the fairness bonus.
    cap : int, optional
        At most this many meetings for this person (the smaller of this and the event's cap).
    """

    id: str
    available: frozenset | None = None
    protected: bool = False
    cap: int | None = None


@dataclass(frozen=True)
class MeetingRequest:
    """An accepted request for a 1:1 meeting.

    ``slot`` is the slot both sides agreed on (the meeting goes there or nowhere);
    ``current_slot`` / ``current_table`` are where an earlier run put it, kept when possible.
    """

    id: str
    requester: str
    recipient: str
    value: float = 1.0
    slot: str | None = None
    current_slot: str | None = None
    current_table: str | None = None

    @property
    def people(self) -> tuple[str, str]:
        return (self.requester, self.recipient)


@dataclass(frozen=True)
class SolverSettings:
    """Knobs of one scheduling run.

    Parameters
    ----------
    time_limit : float
        Wall-clock seconds for the solver; it returns the best schedule found by then.
    deterministic_limit : float, optional
        CP-SAT's deterministic time budget instead: the same input gives the same schedule
        on a busy or an idle machine (tests use it).
    workers : int
        CP-SAT search workers. One is the default: with the full linear relaxation a
        single worker proves the benchmark optimal in about 1.4 s, while a portfolio of two
        on this shared 2-core machine splits the cores and was still searching at 8 s; one
        worker is also reproducible with ``deterministic_limit``.
    cap : int, optional
        The event's cap of meetings per person.
    first_meeting_bonus : float
        Extra value of anyone's first meeting (``bonus/k`` for the k-th).
    fairness_bonus : float
        Added to that for a protected participant (an SME or a newcomer).
    fairness_meetings : int
        How many first meetings earn a bonus (``K``).
    stability_bonus : float
        Extra value for leaving a meeting in the slot an earlier run gave it.
    relative_gap : float
        Stop once the schedule is proven within this fraction of the best possible
        objective (0.002: within 0.2 %); 0, the default, searches until optimal or the
        time limit.
    """

    time_limit: float = 8.0
    deterministic_limit: float | None = None
    workers: int = 1
    seed: int = 0
    cap: int | None = None
    first_meeting_bonus: float = 0.25
    fairness_bonus: float = 0.5
    fairness_meetings: int = 2
    stability_bonus: float = 0.25
    relative_gap: float = 0.0


@dataclass(frozen=True)
class Placement:
    request_id: str
    slot: str
    table: str


@dataclass(frozen=True)
class Schedule:
    """The result of a run: placements, the unplaced with reasons, and the solver's report.

    ``status`` is ``"optimal"`` (proven best), ``"feasible"`` (the best found within the
    time limit or the gap; ``bound`` is the proven ceiling of the objective, so
    ``gap`` says how far from the best possible it can at most be; both are ``None``
    when the solver found nothing in time and a greedy pass filled in) or ``"empty"``
    (nothing could be placed, so the solver did not run).
    """

    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    status: str
    objective: float = 0.0
    bound: float | None = 0.0
    seconds: float = 0.0

    @property
    def placed(self) -> int:
        return len(self.placements)

    @property
    def gap(self) -> float | None:
        """At most this fraction below the best possible; ``None`` when no bound is known."""
        if self.bound is None:
            return None
        return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0

    def reason_counts(self) -> Counter:
        """How many requests were left out for each reason."""
        return Counter(u.reason for u in self.unplaced)

    def placement_of(self, request_id: str) -> Placement | None:
        return next((p for p in self.placements if p.request_id == request_id), None)

    def unplaced_of(self, request_id: str) -> Unplaced | None:
        return next((u for u in self.unplaced if u.request_id == request_id), None)


def check_input(slots, tables, participants, requests, capacity, settings):
    """Refuse inconsistent input with a ScheduleInputError; return the slot ids, table ids,
    the tables per slot and the participants by id."""
    slot_ids = list(slots)
    if len(set(slot_ids)) != len(slot_ids):
        raise ScheduleInputError("duplicate_slot", "a slot id appears twice in the grid")
    known_slots = set(slot_ids)
    table_ids = [str(t) for t in tables]
    if len(set(table_ids)) != len(table_ids):
        raise ScheduleInputError("duplicate_table", "a table name appears twice")
    cap_by_slot = {}
    for s in slot_ids:
        c = len(table_ids) if capacity is None or s not in capacity else capacity[s]
        if not isinstance(c, int) or c < 0:
            raise ScheduleInputError("bad_capacity", f"slot {s}: capacity must be a whole number ≥ 0", slot=s)
        cap_by_slot[s] = min(c, len(table_ids))
    if capacity is not None:
        unknown = set(capacity) - known_slots
        if unknown:
            s = sorted(unknown)[0]
            raise ScheduleInputError("unknown_slot", f"capacity given for slot {s}, which is not in the grid", slot=s)
    people = {}
    for p in participants:
        if p.id in people:
            raise ScheduleInputError("duplicate_participant", f"participant {p.id} appears twice", person=p.id)
        if p.available is not None:
            unknown = set(p.available) - known_slots
            if unknown:
                s = sorted(unknown)[0]
                raise ScheduleInputError("unknown_slot", f"{p.id} is available in slot {s}, which is not in the grid",
                                         person=p.id, slot=s)
        if p.cap is not None and (not isinstance(p.cap, int) or p.cap < 0):
            raise ScheduleInputError("bad_cap", f"{p.id}: the meeting cap must be a whole number ≥ 0", person=p.id)
        people[p.id] = p
    if settings.cap is not None and (not isinstance(settings.cap, int) or settings.cap < 0):
        raise ScheduleInputError("bad_cap", "the event's meeting cap must be a whole number ≥ 0")
    if min(settings.first_meeting_bonus, settings.fairness_bonus, settings.stability_bonus, settings.fairness_meetings,
           settings.relative_gap) < 0:
        raise ScheduleInputError("bad_settings", "bonuses and counts must not be negative")
    if not settings.time_limit > 0:
        raise ScheduleInputError("bad_settings", "the time limit must be positive")
    if len(requests) > MAX_REQUESTS:
        raise ScheduleInputError("too_many_requests", f"more than {MAX_REQUESTS} requests", maximum=MAX_REQUESTS)
    seen_ids, seen_pairs = set(), {}
    for r in requests:
        if r.id in seen_ids:
            raise ScheduleInputError("duplicate_request", f"request {r.id} appears twice", request=r.id)
        seen_ids.add(r.id)
        if r.requester == r.recipient:
            raise ScheduleInputError("self_meeting", f"request {r.id}: {r.requester} cannot meet themselves",
                                     request=r.id, person=r.requester)
        for person in r.people:
            if person not in people:
                raise ScheduleInputError("unknown_participant", f"request {r.id}: {person} is not a participant",
                                         request=r.id, person=person)
        pair = frozenset(r.people)
        if pair in seen_pairs:
            raise ScheduleInputError("duplicate_pair", f"requests {seen_pairs[pair]} and {r.id} are for the same two people",
                                     request=r.id, other=seen_pairs[pair])
        seen_pairs[pair] = r.id
        if not isinstance(r.value, (int, float)) or not math.isfinite(r.value) or not 0 < r.value <= MAX_VALUE:
            raise ScheduleInputError("bad_value", f"request {r.id}: the value must be > 0 and ≤ {MAX_VALUE:g}", request=r.id)
        for name in ("slot", "current_slot"):
            s = getattr(r, name)
            if s is not None and s not in known_slots:
                raise ScheduleInputError("unknown_slot", f"request {r.id}: slot {s} is not in the grid", request=r.id, slot=s)
    return slot_ids, table_ids, cap_by_slot, people


def person_cap(person: Participant, settings: SolverSettings) -> int | None:
    """The smaller of the person's own cap and the event's, if either is set."""
    caps = [c for c in (person.cap, settings.cap) if c is not None]
    return min(caps) if caps else None
