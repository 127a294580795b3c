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

Why a request was left out is worked out in :mod:`.reasons`; the problem's types and
the input check are in :mod:`.problem`.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

from .problem import (
    MeetingRequest,
    Participant,
    Placement,
    Schedule,
    ScheduleInputError,
    SolverSettings,
    check_input,
    person_cap,
)
from .reasons import REASON_TEXT, Reason, Unplaced, explain

__all__ = [
    "MeetingRequest", "Participant", "Placement", "Reason", "REASON_TEXT", "Schedule", "ScheduleInputError",
    "SolverSettings", "Unplaced", "schedule_meetings",
]

#: Objective coefficients are integers: values are multiplied by this and rounded.
SCALE = 1000


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
    slot_ids, table_ids, cap_by_slot, people = check_input(slots, tables, participants, requests, capacity, settings)
    slot_pos = {s: i for i, s in enumerate(slot_ids)}
    caps = {pid: person_cap(p, settings) for pid, p in people.items()}

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
    unplaced = explain(requests, chosen, candidates, free_slots, caps, cap_by_slot, status)
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
