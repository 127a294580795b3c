"""The meeting scheduler: accepted 1:1 requests into an event's slots and tables (OR-Tools CP-SAT).

Problem
-------
Each accepted request is a pair of participants and a value (how much the meeting is
worth: match strength, priority). Place each request in at most one slot so that

* both people are available in that slot (and it is the slot they agreed on, if any);
* nobody is in two meetings in the same slot (no double booking);
* a slot holds no more meetings than it has tables;
* nobody has more meetings than their cap (their own, or the event's).

Tables are labels: within a slot any free table will do, so the solver decides only the
slot and the tables are dealt out afterwards (keeping a meeting's table from an earlier
run, then keeping a person at the table they already sit at, then the first free one).
That keeps the model at one Boolean per (request, common free slot) — 9,000 for 1,500
requests over 6 slots — instead of one per (request, slot, table).

Objective
---------
maximise  Σ_r,s value(r) · x(r, s)                        each placed meeting, by its value
        + Σ_p Σ_k≤K (first + fair·[p protected]) / k · y(p, k)   first meetings; SMEs, newcomers more
        + Σ_r stability · x(r, previous slot of r)         agendas already sent stay as they are

with ``y(p, k) = 1`` only if participant ``p`` has at least ``k`` meetings. The bonus term
is concave in a person's meeting count (b, b/2, ... for the first ``K`` meetings, then
nothing), so the solver gives someone their first meeting before someone else their
fifth; SMEs and newcomers (``protected``) get a larger bonus, so they are not crowded out
by well-connected participants whose requests carry higher match values. Bonuses are in
value units (a protected person's first meeting is worth 0.75 extra by default, where
values are typically 1–2), which staff can read and tune; the value term still decides
which meetings fill the tables. On the benchmark (300 people, 240 table-slots) the
defaults give every SME and newcomer with a request a meeting (127 of 160 without the
term) and 121 instead of 105 of the 140 others, for 3.5 % less total value
(``scripts/bench_events.py``).

Why a concave bonus and not max-min: maximising the smallest number of meetings among
SMEs is pinned at zero by a single SME without a feasible request (no common slot with
anyone), which happens at every real event, and then it stops helping everyone else; a
lexicographic max-min needs a sequence of solves. The bonus is linear in the model,
degrades gracefully, and a contrived test shows it placing an SME that the plain
objective leaves without any meeting (``tests/scheduling``).

Why CP-SAT and not min-cost flow
--------------------------------
A meeting uses a slot of *two* people at once. Requests → slots with slot capacity is a
flow, but "each person at most once per slot" couples two person-slot nodes per unit of
flow; that is an edge-colouring of the request multigraph with lists (availability) and
colour capacities (tables), which is NP-hard and has no totally unimodular formulation, so
a flow or assignment LP returns fractional meetings that rounding then breaks. CP-SAT
solves the exact integer model, takes the caps, fixed slots and the concave fairness term
as plain constraints, runs under a time limit and returns the best schedule found with a
proven bound, and uses the previous schedule as a hint so a re-run starts from it.

Unplaced requests
-----------------
Every request not placed gets one :class:`Reason`, checked in this order: no common free
slot (or the agreed slot is not free for both), a cap already reached, no free table in a
slot where both were free, both busy with other meetings in every common slot, and —
only when the solver stopped at its time limit — not reached.
"""
from __future__ import annotations

import enum
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

#: Objective coefficients are integers: values are multiplied by this and rounded.
SCALE = 1000
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


class Reason(str, enum.Enum):
    """Why an accepted request did not get a slot."""

    NO_COMMON_SLOT = "no_common_slot"
    SLOT_NOT_FREE = "slot_not_free"
    CAP_REACHED = "cap_reached"
    NO_TABLE = "no_table"
    PEOPLE_BUSY = "people_busy"
    NOT_REACHED = "not_reached"

    def __str__(self) -> str:
        return self.value


REASON_TEXT = {
    Reason.NO_COMMON_SLOT: "the two have no free slot in common",
    Reason.SLOT_NOT_FREE: "the agreed slot is not free for both",
    Reason.CAP_REACHED: "a meeting cap is reached",
    Reason.NO_TABLE: "no table left in the slots where both are free",
    Reason.PEOPLE_BUSY: "every common free slot is taken by their other meetings",
    Reason.NOT_REACHED: "the solver stopped at its time limit before placing it",
}


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
class Unplaced:
    """A request left out, why, and whom or which slots the reason is about."""

    request_id: str
    reason: Reason
    people: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()


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


def _check_input(slots, tables, participants, requests, capacity, settings):
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


def _person_cap(person: Participant, settings: SolverSettings) -> int | None:
    caps = [c for c in (person.cap, settings.cap) if c is not None]
    return min(caps) if caps else None


def schedule_meetings(
    slots: Sequence[str],
    tables: Sequence[str],
    participants: Iterable[Participant],
    requests: Sequence[MeetingRequest],
    *,
    capacity: Mapping[str, int] | None = None,
    settings: SolverSettings = SolverSettings(),
) -> Schedule:
    """Place accepted meeting requests into slots and tables (see the module docstring).

    Parameters
    ----------
    slots : sequence of str
        The event's slot ids in time order.
    tables : sequence of str
        Table (or room) names; each holds one meeting per slot.
    participants : iterable of Participant
    requests : sequence of MeetingRequest
    capacity : mapping of slot id to int, optional
        Fewer tables in some slots (for example while a room is used for a talk).
    settings : SolverSettings

    Returns
    -------
    Schedule
        Every request appears exactly once, in ``placements`` or in ``unplaced``.

    Raises
    ------
    ScheduleInputError
        Inconsistent input (a meeting with oneself, an unknown slot or participant, the same
        pair twice, ...); nothing is solved.

    Examples
    --------
    Two slots, one table; Ana is wanted by Ben and Cem but free only at 14:00, Ben and Cem
    are free at both times:

    >>> people = [Participant("ana", frozenset({"14:00"})), Participant("ben"), Participant("cem")]
    >>> reqs = [MeetingRequest("r1", "ben", "ana", value=2.0), MeetingRequest("r2", "cem", "ana"),
    ...         MeetingRequest("r3", "ben", "cem")]
    >>> result = schedule_meetings(["14:00", "14:20"], ["T1"], people, reqs,
    ...                            settings=SolverSettings(deterministic_limit=5, workers=1))
    >>> [(p.request_id, p.slot, p.table) for p in result.placements]
    [('r1', '14:00', 'T1'), ('r3', '14:20', 'T1')]
    >>> [(u.request_id, u.reason.value, u.people) for u in result.unplaced]
    [('r2', 'people_busy', ('ana',))]
    >>> result.status
    'optimal'
    """
    started = time.perf_counter()
    participants = list(participants)
    requests = list(requests)
    slot_ids, table_ids, cap_by_slot, people = _check_input(slots, tables, participants, requests, capacity, settings)
    slot_pos = {s: i for i, s in enumerate(slot_ids)}
    caps = {pid: _person_cap(p, settings) for pid, p in people.items()}

    def free(pid: str) -> set:
        avail = people[pid].available
        return set(slot_ids) if avail is None else set(avail)

    free_slots = {pid: free(pid) for pid in people}
    # Candidate slots per request: free for both, the agreed one only, a slot with tables.
    candidates: dict[str, list[str]] = {}
    for r in requests:
        common = free_slots[r.requester] & free_slots[r.recipient]
        if r.slot is not None:
            common &= {r.slot}
        candidates[r.id] = sorted((s for s in common if cap_by_slot[s] > 0), key=slot_pos.__getitem__)

    solvable = [r for r in requests if candidates[r.id] and all(caps[p] != 0 for p in r.people)]
    chosen: dict[str, str] = {}
    status, objective, bound = "empty", 0.0, 0.0
    if solvable:
        chosen, status, objective, bound = _solve(solvable, candidates, people, caps, slot_ids, cap_by_slot, settings)

    placements = _deal_tables(requests, chosen, table_ids, slot_ids, cap_by_slot)
    unplaced = _explain(requests, chosen, candidates, free_slots, caps, cap_by_slot, status)
    return Schedule(
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - started,
    )


def _solve(requests, candidates, people, caps, slot_ids, cap_by_slot, settings):
    from ortools.sat.python import cp_model  # imported here: the web app loads OR-Tools only to schedule

    model = cp_model.CpModel()
    x: dict[tuple[str, str], object] = {}
    by_person_slot: dict[tuple[str, str], list] = defaultdict(list)
    by_person: dict[str, list] = defaultdict(list)
    by_slot: dict[str, list] = defaultdict(list)
    terms = []
    for r in requests:
        row = []
        for s in candidates[r.id]:
            v = model.new_bool_var(f"x[{r.id},{s}]")
            x[(r.id, s)] = v
            row.append(v)
            by_slot[s].append(v)
            for p in r.people:
                by_person_slot[(p, s)].append(v)
                by_person[p].append(v)
            weight = round(r.value * SCALE)
            if r.current_slot == s:
                weight += round(settings.stability_bonus * SCALE)
            terms.append(weight * v)
        model.add_at_most_one(row)
    for group in by_person_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)  # no double booking
    for s, group in by_slot.items():
        if len(group) > cap_by_slot[s]:
            model.add(sum(group) <= cap_by_slot[s])  # tables per slot
    for p, group in by_person.items():
        cap = caps[p]
        if cap is not None and len(group) > cap:
            model.add(sum(group) <= cap)
    if settings.fairness_meetings > 0:
        for p, group in by_person.items():
            bonus = settings.first_meeting_bonus + (settings.fairness_bonus if people[p].protected else 0.0)
            if bonus <= 0:
                continue
            reachable = len({s for (q, s) in by_person_slot if q == p})
            k_max = min(settings.fairness_meetings, reachable, caps[p] if caps[p] is not None else reachable)
            ys = [model.new_bool_var(f"y[{p},{k}]") for k in range(1, k_max + 1)]
            if not ys:
                continue
            model.add(sum(ys) <= sum(group))
            for a, b in zip(ys, ys[1:]):
                model.add_implication(b, a)
            terms.extend(round(bonus * SCALE / k) * y for k, y in enumerate(ys, start=1))
    model.maximize(sum(terms))

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, int(settings.workers))
    params.random_seed = int(settings.seed)
    params.max_time_in_seconds = float(settings.time_limit)
    params.relative_gap_limit = float(settings.relative_gap)
    # The full linear relaxation (level 2) proves the benchmark optimal in ~1.4 s on one
    # worker; the default level 1 was still 0.4 % short of the optimum after 8 s.
    params.linearization_level = 2
    if settings.deterministic_limit is not None:
        params.max_deterministic_time = float(settings.deterministic_limit)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution within the limit (a very short limit on a large event): fall back to
        # a single greedy pass, which is valid, rather than to nothing. It is not given to
        # CP-SAT as a hint: with one worker a full hint held the search near it (496
        # instead of 604 meetings at 120 tables in the benchmark).
        start = _greedy_start(requests, candidates, caps, cap_by_slot)
        return start, "feasible", _objective(start, requests, people, caps, settings), None
    chosen = {rid: s for (rid, s), v in x.items() if solver.boolean_value(v)}
    objective, bound = solver.objective_value, solver.best_objective_bound
    # CP-SAT says OPTIMAL also when it stopped at the gap limit: call that feasible.
    status = "optimal" if code == cp_model.OPTIMAL and bound - objective < 0.5 else "feasible"
    return chosen, status, objective / SCALE, bound / SCALE


def _objective(chosen, requests, people, caps, settings) -> float:
    """The model's objective for a given schedule (the greedy fallback's score)."""
    total, count = 0.0, Counter()
    for r in requests:
        s = chosen.get(r.id)
        if s is not None:
            total += r.value + (settings.stability_bonus if s == r.current_slot else 0.0)
            count.update(r.people)
    for p, n in count.items():
        bonus = settings.first_meeting_bonus + (settings.fairness_bonus if people[p].protected else 0.0)
        k_max = min(n, settings.fairness_meetings, caps[p] if caps[p] is not None else n)
        total += sum(bonus / k for k in range(1, k_max + 1))
    return total


def _greedy_start(requests, candidates, caps, cap_by_slot) -> dict[str, str]:
    """A valid schedule by a single pass, the fallback when CP-SAT finds none in time:
    earlier placements first, then by value, each request into its first slot where both
    are free and a table is left."""
    booked, meetings, used, chosen = set(), Counter(), Counter(), {}
    order = sorted(requests, key=lambda r: (r.current_slot is None, -r.value, r.id))
    for r in order:
        if any(caps[p] is not None and meetings[p] >= caps[p] for p in r.people):
            continue
        slots = candidates[r.id]
        if r.current_slot in slots:
            slots = [r.current_slot] + [s for s in slots if s != r.current_slot]
        for s in slots:
            if used[s] < cap_by_slot[s] and all((p, s) not in booked for p in r.people):
                chosen[r.id] = s
                used[s] += 1
                for p in r.people:
                    booked.add((p, s))
                    meetings[p] += 1
                break
    return chosen


def _deal_tables(requests, chosen, table_ids, slot_ids, cap_by_slot) -> list[Placement]:
    """Tables for the placed meetings, slot by slot: the earlier table, then a person's
    table from the slot before (nobody walks needlessly), then the first free one."""
    by_slot = defaultdict(list)
    for r in requests:
        if r.id in chosen:
            by_slot[chosen[r.id]].append(r)
    placements, seat_before = [], {}
    for s in slot_ids:
        usable = table_ids[: cap_by_slot[s]]
        taken, seat_now, assigned = set(), {}, {}
        meetings = sorted(by_slot.get(s, ()), key=lambda r: r.id)
        for prefer in (
            lambda r: [r.current_table] if r.current_slot == s else [],
            lambda r: [seat_before[p] for p in r.people if p in seat_before],
            lambda r: usable,
        ):
            for r in meetings:
                if r.id in assigned:
                    continue
                table = next((t for t in prefer(r) if t in usable and t not in taken), None)
                if table is not None:
                    assigned[r.id] = table
                    taken.add(table)
        for r in meetings:
            table = assigned[r.id]  # the solver kept the slot within its tables, so one is left
            placements.append(Placement(r.id, s, table))
            for p in r.people:
                seat_now[p] = table
        seat_before = seat_now
    order = {r.id: i for i, r in enumerate(requests)}
    return sorted(placements, key=lambda p: order[p.request_id])


def _explain(requests, chosen, candidates, free_slots, caps, cap_by_slot, status) -> list[Unplaced]:
    booked: dict[tuple[str, str], str] = {}
    meetings = Counter()
    per_slot = Counter()
    for r in requests:
        s = chosen.get(r.id)
        if s is not None:
            per_slot[s] += 1
            for p in r.people:
                booked[(p, s)] = r.id
                meetings[p] += 1
    out = []
    for r in requests:
        if r.id in chosen:
            continue
        a, b = r.people
        if not candidates[r.id]:
            if r.slot is not None:
                away = tuple(p for p in r.people if r.slot not in free_slots[p])
                out.append(Unplaced(r.id, Reason.SLOT_NOT_FREE if away else Reason.NO_TABLE, away, (r.slot,)))
            else:
                common = free_slots[a] & free_slots[b]
                if common:  # free together only where the slot has no table at all
                    out.append(Unplaced(r.id, Reason.NO_TABLE, (), tuple(sorted(common))))
                else:
                    out.append(Unplaced(r.id, Reason.NO_COMMON_SLOT, tuple(p for p in r.people if not free_slots[p])))
            continue
        at_cap = tuple(p for p in r.people if caps[p] is not None and meetings[p] >= caps[p])
        if at_cap:
            out.append(Unplaced(r.id, Reason.CAP_REACHED, at_cap))
            continue
        both_free = [s for s in candidates[r.id] if (a, s) not in booked and (b, s) not in booked]
        if both_free:
            full = tuple(s for s in both_free if per_slot[s] >= cap_by_slot[s])
            if full:
                out.append(Unplaced(r.id, Reason.NO_TABLE, (), full))
            else:
                out.append(Unplaced(r.id, Reason.NOT_REACHED, (), tuple(both_free)))
            continue
        busy = tuple(p for p in r.people if any((p, s) in booked for s in candidates[r.id]))
        out.append(Unplaced(r.id, Reason.PEOPLE_BUSY, busy, tuple(candidates[r.id])))
    return out
