"""Registrations for an event: who takes part (an `ATTENDS` edge from the member's `Person`
with a status, what they look for and offer at this event, their free slots, their own cap
and note), registering, changing those per-event preferences, and marking attendance.

Only approved members with a personal profile register, and only before the deadline;
participants see each other, nobody else does (staff do, to run the event). The public
face of events is `kim_network.services.events`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from kim_network.core.clock import now_iso
from kim_network.core.errors import NotAllowed
from kim_network.core.model import Label, Rel, ValidationError, check_id, display_name
from kim_network.core.visibility import Viewer, can_see
from kim_network.services.event_model import Event, EventError, get_event, meetings_of_person
from kim_network.store import GraphStore

ACTIVE = ("registered", "attended")
MAX_NOTE = 500
MAX_SKILLS = 30


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
