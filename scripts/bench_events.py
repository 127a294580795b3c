"""Time the event meeting scheduler on generated data and print what it placed and why not.

    .venv/bin/python scripts/bench_events.py                      # 300 people, 6 slots, 40 tables, 1,500 requests
    .venv/bin/python scripts/bench_events.py --time-limit 5 --workers 2 --seed 7   # other knobs
    nice -n 10 .venv/bin/python scripts/bench_events.py --runs 3  # repeat, to see the spread under load

Target (issue 15): the whole run, model building and solving, in under 10 s on this 2-core
machine; the solver's time limit bounds it and it returns the best schedule found.

Beside the CP-SAT schedule it prints, on the same data and in the same run, the schedule
without the fairness term and a greedy baseline (requests by value, each into its first
feasible slot), so what the solver and the fairness term buy is visible.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # BLAS pinned to one thread before anything imports numpy

import argparse  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kim_network.scheduling.solver import (  # noqa: E402
    REASON_TEXT,
    MeetingRequest,
    Participant,
    SolverSettings,
    schedule_meetings,
)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def generate(seed: int, people: int, slots: int, requests: int):
    """A plausible event: a fifth of the people are in demand, most are free all afternoon,
    some leave early or come late, a few cap their meetings or agreed on a slot."""
    rng = random.Random(seed)
    slot_ids = [f"S{i + 1}" for i in range(slots)]
    participants = []
    for i in range(people):
        roll = rng.random()
        if roll < 0.6:
            available = None
        elif roll < 0.8:  # leaves early or comes late
            k = rng.randint(max(1, slots // 2), slots - 1)
            start = rng.choice([0, slots - k])
            available = frozenset(slot_ids[start:start + k])
        else:
            available = frozenset(rng.sample(slot_ids, rng.randint(1, slots - 1)))
        protected = rng.random() < 0.5  # SMEs (about 45 %) and newcomers
        cap = rng.choice([2, 3]) if rng.random() < 0.1 else None
        participants.append(Participant(f"p{i:03d}", available, protected, cap))
    # Popularity: a fifth of the participants (tech providers, labs) attract most requests.
    popular = [p.id for p in participants[: people // 5]]
    everyone = [p.id for p in participants]
    pairs, out = set(), []
    while len(out) < requests:
        a = rng.choice(everyone)
        b = rng.choice(popular) if rng.random() < 0.6 else rng.choice(everyone)
        if a == b or frozenset((a, b)) in pairs:
            continue
        pairs.add(frozenset((a, b)))
        fixed = rng.choice(slot_ids) if rng.random() < 0.05 else None
        out.append(MeetingRequest(f"r{len(out):04d}", a, b, value=round(1 + rng.random(), 3), slot=fixed))
    return slot_ids, participants, out


def greedy(slot_ids, tables, participants, requests, cap):
    """Baseline: requests by value (highest first), each into its first feasible slot."""
    free = {p.id: set(slot_ids) if p.available is None else set(p.available) for p in participants}
    caps = {p.id: min([c for c in (p.cap, cap) if c is not None], default=None) for p in participants}
    used, count, placed = Counter(), Counter(), {}
    for r in sorted(requests, key=lambda r: -r.value):
        a, b = r.people
        if any(caps[p] is not None and count[p] >= caps[p] for p in (a, b)):
            continue
        for s in slot_ids if r.slot is None else [r.slot]:
            if s in free[a] and s in free[b] and used[s] < tables:
                placed[r.id] = s
                used[s] += 1
                free[a].discard(s)
                free[b].discard(s)
                count[a] += 1
                count[b] += 1
                break
    return placed


def summary(name, placed_ids, requests, participants, seconds, extra=""):
    by_id = {r.id: r for r in requests}
    value = sum(by_id[i].value for i in placed_ids)
    met = Counter(p for i in placed_ids for p in by_id[i].people)
    protected = [p for p in participants if p.protected]
    wanted = {p for r in requests for p in r.people}
    prot_wanted = [p for p in protected if p.id in wanted]
    prot_met = sum(1 for p in prot_wanted if met[p.id])
    others = [p for p in participants if not p.protected and p.id in wanted]
    other_met = sum(1 for p in others if met[p.id])
    print(f"{name:<22} {seconds:6.2f} s  placed {len(placed_ids):4d}  value {value:7.1f}  "
          f"SMEs/newcomers with a meeting {prot_met}/{len(prot_wanted)}  others {other_met}/{len(others)}"
          f"{extra}  [{load()}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--slots", type=int, default=6)
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--cap", type=int, default=None, help="the event's cap of meetings per person")
    parser.add_argument("--time-limit", type=float, default=SolverSettings.time_limit, help="solver wall-clock limit, seconds")
    parser.add_argument("--workers", type=int, default=SolverSettings.workers)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    print(f"{load()} on {os.cpu_count()} cores; OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    slot_ids, participants, requests = generate(args.seed, args.people, args.slots, args.requests)
    tables = [f"T{i + 1}" for i in range(args.tables)]
    print(f"generated (seed {args.seed}): {len(participants)} participants, {len(slot_ids)} slots, "
          f"{len(tables)} tables ({len(slot_ids) * len(tables)} table-slots), {len(requests)} accepted requests, "
          f"{sum(p.protected for p in participants)} SMEs/newcomers, "
          f"{sum(r.slot is not None for r in requests)} with an agreed slot")

    started = time.perf_counter()
    import ortools.sat.python.cp_model  # noqa: F401  (import time reported apart: paid once per process)
    print(f"OR-Tools import {time.perf_counter() - started:.2f} s")

    settings = SolverSettings(time_limit=args.time_limit, workers=args.workers, cap=args.cap)
    for run in range(args.runs):
        started = time.perf_counter()
        result = schedule_meetings(slot_ids, tables, participants, requests, settings=settings)
        seconds = time.perf_counter() - started
        print(f"\nrun {run + 1}: CP-SAT {seconds:.2f} s ({result.status}), {result.placed} placed, "
              f"{len(result.unplaced)} not placed; objective {result.objective:.1f}, "
              + (f"bound {result.bound:.1f} (gap {result.gap:.2%})" if result.bound is not None
                 else "no bound (greedy fallback)") + f"  [{load()}]")
        for reason, n in result.reason_counts().most_common():
            print(f"  {n:5d}  {reason.value:<15} {REASON_TEXT[reason]}")
        summary("CP-SAT with fairness", [p.request_id for p in result.placements], requests, participants, seconds)

    started = time.perf_counter()
    plain = schedule_meetings(slot_ids, tables, participants, requests, settings=replace(settings, fairness_bonus=0.0,
                                                                                           first_meeting_bonus=0.0))
    summary("CP-SAT no fairness", [p.request_id for p in plain.placements], requests, participants,
            time.perf_counter() - started, f"  ({plain.status})")
    started = time.perf_counter()
    placed = greedy(slot_ids, len(tables), participants, requests, args.cap)
    summary("greedy by value", list(placed), requests, participants, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
