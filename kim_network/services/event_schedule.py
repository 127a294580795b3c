"""Staff tools for an event's meetings: the scheduler run, the grid, its CSV, event figures.

`run_scheduler` hands every accepted or scheduled meeting of the event to the CP-SAT
engine (`kim_network.scheduling`) with each participant's free slots and cap, SMEs and
newcomers marked for the fairness term, and earlier placements as the ones to keep. It
then books what the engine placed (through the same bookings that make double booking
impossible), frees what it moved or left out, tells people whose meeting got or changed
its slot, and reports how many were placed and why the rest were not.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from kim_network.core.clock import now_iso
from kim_network.core.errors import NotAllowed
from kim_network.core.messages import msg
from kim_network.core.model import Label, Rel, display_name
from kim_network.core.visibility import Viewer
from kim_network.scheduling import MeetingRequest, Participant, Reason, SolverSettings, schedule_meetings
from kim_network.services import audit, events as ev, meetings as mt
from kim_network.store import GraphStore

@dataclass
class Unplaced:
    meeting: dict
    reason: str
    people: list[str] = field(default_factory=list)  # names the reason is about


@dataclass
class RunReport:
    placed: int
    moved: int
    unplaced: list[Unplaced]
    status: str
    seconds: float
    requests: int

    def reason_counts(self) -> Counter:
        return Counter(u.reason for u in self.unplaced)


def _newcomers(store: GraphStore, org_ids) -> set[str]:
    """Organisations with no project in the network yet (the engine's notion of a newcomer)."""
    return {o for o in org_ids if not store.edges(Label.ORGANIZATION, o, Rel.PARTICIPATED_IN, "out")}


def run_scheduler(store: GraphStore, viewer: Viewer, event_id: str, *, now: dt.datetime | None = None,
                  settings: SolverSettings | None = None, mailer=None, base_url: str = "") -> RunReport:
    """Place all accepted meetings of the event into slots and tables (staff, on demand)."""
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff run the scheduler.")
    event = ev.get_event(store, viewer, event_id)
    if not event.matchmaking:
        raise ev.EventError("This event has no meeting grid.", "event", "no_matchmaking")
    if event.is_over(now):
        raise ev.EventError("The event is over.", "event", "over")
    regs = {r.person_id: r for r in ev.all_registrations(store, event.id)}
    org_ids = {r.organization_id for r in regs.values() if r.organization_id}
    orgs = store.get_nodes(Label.ORGANIZATION, sorted(org_ids))
    newcomers = _newcomers(store, org_ids)
    slot_ids = [s.id for s in event.grid]
    started = ev.local_now(now)
    # Slots that have begun are no longer planned; meetings in them stay where they are.
    future = [s for s in event.grid if s.start > started]
    future_ids = {s.id for s in future}
    people = []
    for pid, reg in regs.items():
        org = orgs.get(reg.organization_id or "") or {}
        cap = reg.props.get("max_meetings")
        people.append(Participant(
            pid, frozenset(s for s in reg.availability if s in future_ids),
            protected=bool(org.get("sme")) or (reg.organization_id in newcomers),
            cap=None if cap is None or cap >= len(slot_ids) else int(cap),
        ))
    candidates = [m for m in mt.of_event(store, event.id, ("accepted", "scheduled"))
                  if m["requester"] in regs and m["recipient"] in regs]
    fixed = [m for m in candidates if m["status"] == "scheduled" and m.get("scheduled_slot") not in future_ids]
    movable = [m for m in candidates if m not in fixed]
    requests = [MeetingRequest(
        m["id"], m["requester"], m["recipient"], float(m.get("value") or 1.0),
        slot=m.get("slot") if m.get("slot") in future_ids else None,
        current_slot=m.get("scheduled_slot") if m["status"] == "scheduled" and m.get("scheduled_slot") in future_ids else None,
        current_table=m.get("table"),
    ) for m in movable if not (m.get("slot") and m["slot"] not in future_ids)]
    base = settings or SolverSettings(cap=event.cap)
    if settings is not None and settings.cap is None and event.cap is not None:
        from dataclasses import replace
        base = replace(settings, cap=event.cap)
    result = schedule_meetings([s for s in slot_ids if s in future_ids], event.table_names, people, requests,
                               settings=base)
    by_id = {m["id"]: m for m in movable}
    placed = moved = 0
    unplaced: list[Unplaced] = []
    # Free first what moves or drops out, so a meeting can take a seat another one leaves. A
    # meeting that moves is unscheduled before its new slot is booked (the bookings' rule in
    # services/bookings.py: a scheduled meeting holds only the slot it is scheduled in).
    keep = {p.request_id: p for p in result.placements}
    for m in movable:
        p = keep.get(m["id"])
        if m["status"] == "scheduled" and (p is None or p.slot != m.get("scheduled_slot")):
            mt.release(store, m["id"])
            store.update_node(Label.MEETING, m["id"], {"status": "accepted", "scheduled_slot": None, "table": None})
    for p in result.placements:
        m = by_id[p.request_id]
        same = m["status"] == "scheduled" and m.get("scheduled_slot") == p.slot
        try:
            if same and m.get("table") != p.table:
                mt.release(store, m["id"])
                same = False
            if not same:
                table = mt.book(store, event, m, p.slot, [p.table] + event.table_names, now)
            else:
                table = m.get("table")
        except mt.DoubleBooking:
            store.update_node(Label.MEETING, m["id"], {"status": "accepted", "scheduled_slot": None, "table": None,
                                                       "unplaced_reason": "conflict", "updated_at": now_iso(now)})
            unplaced.append(Unplaced(m, "conflict"))
            continue
        placed += 1
        if not same:
            moved += int(m["status"] == "scheduled")
            store.update_node(Label.MEETING, m["id"], {
                "status": "scheduled", "scheduled_slot": p.slot, "table": table, "unplaced_reason": None,
                "scheduled_at": now_iso(now), "updated_at": now_iso(now),
                "sequence": int(m.get("sequence") or 0) + (1 if m["status"] == "scheduled" else 0)})
            for side in ("requester", "recipient"):
                other = mt.other_side(side)
                mt._tell(store, m[side], m.get(f"{side}_account"), "meeting_scheduled", f"/events/{event.id}/agenda",
                         mailer, base_url, name=display_name(Label.PERSON, mt._person(store, m[other])),
                         event=mt.event_title(event), when=mt._when(event, p.slot, table, mt.SLOT_AND_TABLE))
        elif m.get("unplaced_reason"):
            store.update_node(Label.MEETING, m["id"], {"unplaced_reason": None})
    names = {pid: r.name for pid, r in regs.items()}
    for u in result.unplaced:
        m = by_id[u.request_id]
        changes = {"unplaced_reason": u.reason.value, "updated_at": now_iso(now)}
        if m["status"] == "scheduled":
            changes.update({"status": "accepted", "scheduled_slot": None, "table": None,
                            "sequence": int(m.get("sequence") or 0) + 1})
        store.update_node(Label.MEETING, m["id"], changes)
        unplaced.append(Unplaced(m, u.reason.value, [names.get(p, p) for p in u.people]))
    for m in movable:
        if m["id"] not in keep and m["id"] not in {r.id for r in requests}:
            # Asked for a slot that has already begun.
            store.update_node(Label.MEETING, m["id"], {"unplaced_reason": Reason.SLOT_NOT_FREE.value})
            unplaced.append(Unplaced(m, Reason.SLOT_NOT_FREE.value))
    store.update_node(Label.EVENT, event.id, {"scheduled_at": now_iso(now)})
    report = RunReport(placed + len(fixed), moved, unplaced, result.status, result.seconds, len(candidates))
    audit.record(store, viewer.account_id, "event_scheduled", event.id,
                 {"placed": report.placed, "not_placed": len(unplaced), "status": result.status})
    return report


# -- the grid and its exports -------------------------------------------------------------------
@dataclass
class GridCell:
    meeting: dict
    requester: str
    recipient: str
    requester_org: str
    recipient_org: str


def meeting_grid(store: GraphStore, viewer: Viewer, event: ev.Event) -> dict[tuple[str, str], GridCell]:
    """(slot id, table) → the meeting there, for staff."""
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff see the meeting grid.")
    scheduled = mt.of_event(store, event.id, ("scheduled",))
    people = store.get_nodes(Label.PERSON, sorted({p for m in scheduled for p in (m["requester"], m["recipient"])}))
    org_ids = sorted({o for m in scheduled for o in (m.get("requester_org"), m.get("recipient_org")) if o})
    orgs = store.get_nodes(Label.ORGANIZATION, org_ids)

    def name(pid):
        return display_name(Label.PERSON, people[pid]) if pid in people else pid

    def org(oid):
        return display_name(Label.ORGANIZATION, orgs[oid]) if oid in orgs else ""

    return {(m["scheduled_slot"], m.get("table") or ""): GridCell(m, name(m["requester"]), name(m["recipient"]),
                                                                   org(m.get("requester_org")),
                                                                   org(m.get("recipient_org")))
            for m in scheduled}


# The grid file's column names, from the catalogue.
GRID_HEADER = (msg("Starts"), msg("End"), msg("Table"), msg("Person 1"), msg("Organisation 1"), msg("Person 2"),
               msg("Organisation 2"))


def grid_csv(store: GraphStore, viewer: Viewer, event: ev.Event, lang: str = "de") -> str:
    """The grid as CSV (UTF-8 with BOM and ``;`` so Excel opens it in Germany)."""
    grid = meeting_grid(store, viewer, event)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = [m.render("en" if lang == "en" else "de") for m in GRID_HEADER]
    writer.writerow(header)
    order = {s.id: i for i, s in enumerate(event.grid)}
    for (slot_id, table), cell in sorted(grid.items(), key=lambda kv: (order.get(kv[0][0], 999), _table_no(kv[0][1]))):
        slot = event.slot(slot_id)
        writer.writerow([_safe(x) for x in (f"{slot.start:%Y-%m-%d %H:%M}", f"{slot.end:%H:%M}", table[1:] or table,
                                            cell.requester, cell.requester_org, cell.recipient, cell.recipient_org)])
    return out.getvalue()


def _table_no(table: str) -> int:
    return int(table[1:]) if table[1:].isdigit() else 0


def _safe(value: str) -> str:
    """No spreadsheet formulas from names people typed (CSV injection)."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def without_meetings(store: GraphStore, viewer: Viewer, event: ev.Event) -> list[ev.Registration]:
    """Participants with no accepted or scheduled meeting yet (staff)."""
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff see this list.")
    busy = {p for m in mt.of_event(store, event.id, ("accepted", "scheduled")) for p in (m["requester"], m["recipient"])}
    return [r for r in ev.participants(store, viewer, event) if r.person_id not in busy]


# -- figures for analytics ------------------------------------------------------------------------
@dataclass
class EventFigures:
    event_id: str
    title: str
    date: str
    participants: int
    requested: int
    accepted: int
    placed: int
    held: int
    useful: int
    not_useful: int
    not_met: int


def figures(store: GraphStore, event: ev.Event) -> EventFigures:
    """Participants, meetings requested, accepted, placed and held, and follow-ups."""
    meetings = mt.of_event(store, event.id)
    follow = Counter(m.get(f"follow_up_{s}") for m in meetings for s in ("requester", "recipient"))
    return EventFigures(
        event.id, event.title("de"), event.node.get("date") or "",
        participants=len(ev.all_registrations(store, event.id)),
        requested=len(meetings),
        accepted=sum(m["status"] in ("accepted", "scheduled") for m in meetings),
        placed=sum(m["status"] == "scheduled" for m in meetings),
        held=sum(mt.is_held(m) for m in meetings),
        useful=follow["useful"], not_useful=follow["not_useful"],
        not_met=sum(1 for m in meetings if "not_met" in (m.get("outcome_requester"), m.get("outcome_recipient"))),
    )


def all_figures(store: GraphStore, viewer: Viewer, limit: int = 20) -> list[EventFigures]:
    """Figures of the events with matchmaking, latest first (the staff analytics page)."""
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff see event figures.")
    events = [ev.as_event(n) for n in store.all_nodes(Label.EVENT, None, order_by="date")]
    with_meetings = [e for e in events if e.matchmaking]
    with_meetings.sort(key=lambda e: e.node.get("date") or "", reverse=True)
    return [figures(store, e) for e in with_meetings[:limit]]
