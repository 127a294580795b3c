"""The meeting scheduler on hand-built events: what participants and staff would check on the grid."""
import random
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from kim_network.scheduling.solver import (
    MeetingRequest as Req,
    Participant as P,
    Reason,
    ScheduleInputError,
    SolverSettings,
    _objective,
    schedule_meetings,
)

# Deterministic: the same schedule on an idle or a busy machine.
FAST = SolverSettings(deterministic_limit=10.0, time_limit=60.0, workers=1)
S = ["S1", "S2", "S3"]


def run(slots, tables, people, requests, settings=FAST, **kw):
    result = schedule_meetings(slots, tables, people, requests, settings=settings, **kw)
    assert_valid(result, slots, tables, people, requests, settings, kw.get("capacity"))
    return result


def assert_valid(result, slots, tables, people, requests, settings, capacity=None):
    """The properties a participant or staff member would check on the printed grid."""
    by_id = {r.id: r for r in requests}
    person = {p.id: p for p in people}
    placed = [p.request_id for p in result.placements]
    unplaced = [u.request_id for u in result.unplaced]
    assert sorted(placed + unplaced) == sorted(by_id), "every request is either placed or explained"
    seats, per_slot, meetings = set(), defaultdict(set), Counter()
    for p in result.placements:
        r = by_id[p.request_id]
        assert p.slot in slots and p.table in tables
        for who in r.people:
            assert (who, p.slot) not in seats, f"{who} double-booked in {p.slot}"
            seats.add((who, p.slot))
            avail = person[who].available
            assert avail is None or p.slot in avail, f"{who} is not free in {p.slot}"
            meetings[who] += 1
        assert p.table not in per_slot[p.slot], f"table {p.table} used twice in {p.slot}"
        per_slot[p.slot].add(p.table)
        if r.slot is not None:
            assert p.slot == r.slot, "an agreed slot is kept"
    for s, used in per_slot.items():
        limit = len(tables) if not capacity or s not in capacity else capacity[s]
        assert len(used) <= limit
    for who, n in meetings.items():
        caps = [c for c in (person[who].cap, settings.cap) if c is not None]
        assert not caps or n <= min(caps)
    if result.status == "optimal":
        assert Reason.NOT_REACHED not in result.reason_counts()


def slot_of(result, rid):
    placement = result.placement_of(rid)
    return placement.slot if placement else None


def test_availability_is_honoured():
    people = [P("ana", frozenset({"S3"})), P("ben")]
    result = run(S, ["T1"], people, [Req("r", "ana", "ben")])
    assert slot_of(result, "r") == "S3"


def test_nobody_is_double_booked_and_everyone_is_placed_when_slots_suffice():
    people = [P(x) for x in "abcd"]
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]
    requests = [Req(f"r{i}", x, y) for i, (x, y) in enumerate(pairs)]
    result = run(S, ["T1", "T2"], people, requests)  # a round robin of 4 fits in 3 slots × 2 tables
    assert result.placed == 6 and result.status == "optimal"


def test_table_capacity_is_honoured_and_named_as_the_reason():
    people = [P(x, frozenset({"S1"})) for x in "abcdef"]
    requests = [Req("r1", "a", "b", 3.0), Req("r2", "c", "d", 2.0), Req("r3", "e", "f", 1.0)]
    result = run(S, ["T1", "T2"], people, requests)
    assert {slot_of(result, "r1"), slot_of(result, "r2")} == {"S1"}
    left = result.unplaced_of("r3")
    assert left.reason is Reason.NO_TABLE and left.slots == ("S1",)


def test_fewer_tables_in_one_slot():
    people = [P(x) for x in "abcd"]
    requests = [Req("r1", "a", "b"), Req("r2", "c", "d")]
    result = run(["S1", "S2"], ["T1", "T2"], people, requests, capacity={"S1": 1, "S2": 0})
    assert result.placed == 1
    left = result.unplaced[0]
    assert left.reason is Reason.NO_TABLE and left.slots == ("S1",)


def test_no_common_free_slot():
    people = [P("ana", frozenset({"S1"})), P("ben", frozenset({"S2", "S3"}))]
    result = run(S, ["T1"], people, [Req("r", "ana", "ben")])
    assert result.status == "empty"
    assert result.unplaced_of("r").reason is Reason.NO_COMMON_SLOT


def test_someone_without_any_free_slot_is_named():
    people = [P("ana", frozenset()), P("ben")]
    left = run(S, ["T1"], people, [Req("r", "ana", "ben")]).unplaced_of("r")
    assert left.reason is Reason.NO_COMMON_SLOT and left.people == ("ana",)


def test_an_agreed_slot_is_kept_even_when_an_earlier_one_is_free():
    people = [P("ana"), P("ben")]
    assert slot_of(run(S, ["T1"], people, [Req("r", "ana", "ben", slot="S2")]), "r") == "S2"


def test_an_agreed_slot_that_is_not_free_for_both():
    people = [P("ana", frozenset({"S1", "S3"})), P("ben")]
    left = run(S, ["T1"], people, [Req("r", "ana", "ben", slot="S2")]).unplaced_of("r")
    assert left.reason is Reason.SLOT_NOT_FREE and left.people == ("ana",) and left.slots == ("S2",)


def test_cap_per_person_and_per_event():
    people = [P("ana", cap=1), P("ben"), P("cem"), P("dan")]
    requests = [Req("r1", "ana", "ben", 2.0), Req("r2", "ana", "cem", 1.0), Req("r3", "ben", "dan"), Req("r4", "cem", "dan")]
    result = run(S, ["T1", "T2"], people, requests)
    assert slot_of(result, "r1") and not slot_of(result, "r2")
    left = result.unplaced_of("r2")
    assert left.reason is Reason.CAP_REACHED and left.people == ("ana",)

    capped = run(S, ["T1", "T2"], people, requests, settings=replace(FAST, cap=1))
    assert all(u.reason is Reason.CAP_REACHED for u in capped.unplaced)
    assert capped.placed == 2


def test_busy_people_are_named():
    people = [P("ana", frozenset({"S1"})), P("ben"), P("cem")]
    requests = [Req("r1", "ben", "ana", 2.0), Req("r2", "cem", "ana", 1.0)]
    result = run(S, ["T1"], people, requests)
    left = result.unplaced_of("r2")
    assert left.reason is Reason.PEOPLE_BUSY and left.people == ("ana",) and left.slots == ("S1",)


def test_higher_value_meetings_win_a_contested_slot():
    people = [P("ana", frozenset({"S1"})), P("ben"), P("cem")]
    requests = [Req("low", "ben", "ana", 1.0), Req("high", "cem", "ana", 1.8)]
    result = run(S, ["T1"], people, requests)
    assert slot_of(result, "high") == "S1" and slot_of(result, "low") is None


def test_fairness_gives_an_sme_a_meeting_that_the_plain_objective_gives_away():
    # One sought-after provider with two free slots; two large companies with slightly
    # more valuable requests, and one SME. Two meetings fit either way.
    people = [P("provider", frozenset({"S1", "S2"})), P("corp1"), P("corp2"), P("sme", protected=True)]
    requests = [Req("c1", "corp1", "provider", 1.0), Req("c2", "corp2", "provider", 1.0),
                Req("s", "sme", "provider", 0.8)]
    plain = run(S, ["T1"], people, requests, settings=replace(FAST, fairness_bonus=0.0, first_meeting_bonus=0.0))
    fair = run(S, ["T1"], people, requests)
    assert slot_of(plain, "s") is None and plain.placed == 2
    assert slot_of(fair, "s") is not None and fair.placed == 2
    assert fair.unplaced[0].reason is Reason.PEOPLE_BUSY


def test_first_meetings_are_spread_before_anyone_gets_a_third():
    # A star with three valuable requests vs three people who otherwise get nothing.
    people = [P("star"), P("hub")] + [P(f"n{i}", frozenset({f"S{i}"})) for i in (1, 2, 3)]
    requests = [Req(f"h{i}", "hub", f"n{i}", 1.0) for i in (1, 2, 3)]
    requests += [Req(f"s{i}", "star", f"n{i}", 1.1) for i in (1, 2, 3)]
    plain = run(S, ["T1", "T2"], people, requests, settings=replace(FAST, fairness_bonus=0.0, first_meeting_bonus=0.0))
    assert plain.placed == 3  # each n_i can meet only once; the star takes them all
    assert all(slot_of(plain, f"s{i}") for i in (1, 2, 3))
    fair = run(S, ["T1", "T2"], people, requests)
    met = Counter(p for pl in fair.placements for p in {r.id: r for r in requests}[pl.request_id].people)
    assert met["hub"] >= 1 and met["star"] >= 1


def test_a_rerun_keeps_slots_and_tables_of_an_unchanged_schedule():
    rng = random.Random(3)
    people = [P(f"p{i}") for i in range(12)]
    pairs = {tuple(sorted(rng.sample(range(12), 2))) for _ in range(30)}
    requests = [Req(f"r{i}", f"p{a}", f"p{b}", round(1 + rng.random(), 2)) for i, (a, b) in enumerate(sorted(pairs))]
    tables = ["T1", "T2", "T3"]
    first = run(S, tables, people, requests)
    again = [replace(r, current_slot=p.slot, current_table=p.table) if (p := first.placement_of(r.id)) else r
             for r in requests]
    second = run(S, tables, people, again)
    assert {(p.request_id, p.slot, p.table) for p in second.placements} == \
           {(p.request_id, p.slot, p.table) for p in first.placements}


def test_people_stay_at_their_table_between_consecutive_meetings():
    people = [P("host"), P("a"), P("b"), P("c"), P("d")]
    requests = [Req("r1", "a", "host", 3.0), Req("r2", "b", "host", 2.0), Req("r3", "c", "d", 1.0)]
    result = run(["S1", "S2"], ["T1", "T2"], people, requests)
    host_tables = {p.table for p in result.placements if p.request_id in ("r1", "r2")}
    assert len(host_tables) == 1


@pytest.mark.parametrize("seed", range(6))
def test_random_events_respect_every_rule(seed):
    rng = random.Random(seed)
    slots = [f"S{i}" for i in range(rng.randint(1, 5))]
    people = []
    for i in range(rng.randint(4, 30)):
        avail = None if rng.random() < 0.5 else frozenset(rng.sample(slots, rng.randint(0, len(slots))))
        people.append(P(f"p{i}", avail, rng.random() < 0.4, rng.choice([None, None, 1, 2])))
    pairs = set()
    for _ in range(rng.randint(0, 80)):
        a, b = rng.sample(range(len(people)), 2)
        pairs.add((min(a, b), max(a, b)))
    requests = [Req(f"r{i}", f"p{a}", f"p{b}", round(0.5 + 2 * rng.random(), 2),
                    slot=rng.choice(slots) if rng.random() < 0.1 else None)
                for i, (a, b) in enumerate(sorted(pairs))]
    tables = [f"T{i}" for i in range(rng.randint(1, 6))]
    run(slots, tables, people, requests, settings=replace(FAST, cap=rng.choice([None, 2])))


@pytest.mark.parametrize("limit", [1e-9, 0.05])
def test_a_tiny_time_limit_still_returns_a_valid_schedule(limit):
    rng = random.Random(11)
    people = [P(f"p{i}", protected=i % 3 == 0) for i in range(60)]
    pairs = {tuple(sorted(rng.sample(range(60), 2))) for _ in range(400)}
    requests = [Req(f"r{i}", f"p{a}", f"p{b}", round(1 + rng.random(), 2)) for i, (a, b) in enumerate(sorted(pairs))]
    result = run(S, [f"T{i}" for i in range(10)], people, requests,
                 settings=SolverSettings(deterministic_limit=limit, workers=1))
    assert result.status == "feasible" and result.placed > 0  # the best found, never nothing
    assert result.bound is None or result.objective <= result.bound + 1e-6
    if result.bound is not None:  # CP-SAT's own schedule: its objective is what _objective computes
        assert result.objective == pytest.approx(
            _objective({p.request_id: p.slot for p in result.placements}, requests, {p.id: p for p in people},
                       {p.id: None for p in people}, SolverSettings()), abs=0.01)


def test_nothing_to_schedule():
    result = run(S, ["T1"], [P("a")], [])
    assert result.status == "empty" and result.placed == 0 and not result.unplaced


@pytest.mark.parametrize("people, requests, code", [
    ([P("a")], [Req("r", "a", "a")], "self_meeting"),
    ([P("a")], [Req("r", "a", "zoe")], "unknown_participant"),
    ([P("a", frozenset({"S9"})), P("b")], [Req("r", "a", "b")], "unknown_slot"),
    ([P("a"), P("b")], [Req("r", "a", "b", slot="18:00")], "unknown_slot"),
    ([P("a"), P("b")], [Req("r1", "a", "b"), Req("r2", "b", "a")], "duplicate_pair"),
    ([P("a"), P("b"), P("c")], [Req("r", "a", "b"), Req("r", "a", "c")], "duplicate_request"),
    ([P("a"), P("b")], [Req("r", "a", "b", 0.0)], "bad_value"),
    ([P("a"), P("b")], [Req("r", "a", "b", float("nan"))], "bad_value"),
    ([P("a"), P("a")], [], "duplicate_participant"),
    ([P("a", cap=-1)], [], "bad_cap"),
])
def test_inconsistent_input_is_refused(people, requests, code):
    with pytest.raises(ScheduleInputError) as err:
        schedule_meetings(S, ["T1"], people, requests, settings=FAST)
    assert err.value.code == code


def test_bad_grid_and_tables_are_refused():
    for slots, tables, capacity, code in [
        (["S1", "S1"], ["T1"], None, "duplicate_slot"),
        (S, ["T1", "T1"], None, "duplicate_table"),
        (S, ["T1"], {"S7": 1}, "unknown_slot"),
        (S, ["T1"], {"S1": -1}, "bad_capacity"),
    ]:
        with pytest.raises(ScheduleInputError) as err:
            schedule_meetings(slots, tables, [], [], capacity=capacity, settings=FAST)
        assert err.value.code == code
