"""Why an accepted request was left out of a schedule: one reason per request.

Every request not placed gets one :class:`Reason`, checked in this order: no common free
slot (or the agreed slot is not free for both), a cap already reached, no free table in a
slot where both were free, both busy with other meetings in every common slot, and —
only when the solver stopped at its time limit — not reached.
"""
from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass


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
class Unplaced:
    """A request left out, why, and whom or which slots the reason is about."""

    request_id: str
    reason: Reason
    people: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()


def explain(requests, chosen, candidates, free_slots, caps, cap_by_slot, status) -> list[Unplaced]:
    """One Unplaced for every request the schedule `chosen` (request id → slot) left out."""
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
