"""1:1 meetings at an event: request, accept or decline, cancel, agenda, "we met", follow-up.

A `Meeting` node links two participants (person ids) of one event. Its status moves

    requested ──accept──▶ accepted ──scheduler──▶ scheduled
        │  └─decline──▶ declined        (a request for a given slot is scheduled on acceptance)
        └──────────── cancelled ◀── either side, any time before the meeting

Only the two sides see a meeting (staff see it too, to run the event); contact details
appear only once it is accepted. A scheduled meeting holds three `SlotBooking` nodes —
(event, slot, each person) and (event, slot, table) — whose ids are unique in both
stores, so two answers arriving at once can never book a person or a table twice: the
second gets a clear conflict and nothing changes (`kim_network.services.bookings`).

After the meeting each side says whether it happened and, if it did, whether it was
useful. A meeting is *held* when at least one side says "we met" and neither says it did
not happen. A held meeting becomes part of the network's memory: both people count as
having attended, their organisations get a `MET` edge (on the map and in the projection's
collaboration graph), and "useful" / "not useful" is stored as the same feedback that
/matches uses, so it changes the next suggestions.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Callable, Mapping

from kim_network.core.clock import now_iso
from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.messages import Localized, Message, msg
from kim_network.core.model import FOLLOW_UPS, MEETING_OUTCOMES, Label, Rel, ValidationError, check_id, display_name
from kim_network.core.visibility import Viewer, can_see, visible_props
from kim_network.services import events as ev
from kim_network.services.bookings import DoubleBooking, book, is_free, release
from kim_network.services.feedback import record_feedback
from kim_network.services.notifications import notify
from kim_network.store import GraphStore

OPEN = ("requested", "accepted", "scheduled")
MAX_MESSAGE = 1000
Mailer = Callable[[str, str, str], object]

# Notification texts: catalogue messages (English ids, German in the catalogue), rendered in
# each reader's language; %(name)s etc. are filled in, %(when)s is a `when_*` message or "".
TEXTS = {
    "meeting_requested": msg("%(name)s would like to meet you at “%(event)s”%(when)s: “%(message)s”"),
    "meeting_accepted": msg("%(name)s accepted your meeting at “%(event)s”%(when)s."),
    "meeting_declined": msg("%(name)s declined your meeting at “%(event)s”."),
    "meeting_cancelled": msg("%(name)s cancelled the meeting at “%(event)s”."),
    "meeting_scheduled": msg("Your meeting with %(name)s at “%(event)s”: %(when)s."),
}
SUBJECT = msg("KI.M Netzwerk: meeting")
WHEN = msg(" at %(slot)s, table %(table)s")
ASKED = msg(" (asked for: %(slot)s)")
SLOT_AND_TABLE = msg("%(slot)s, table %(table)s")


class MeetingError(Invalid):
    """A meeting action that cannot be carried out; ``code`` says which rule (for tests and the API)."""

    def __init__(self, message, field=None, code="invalid", status=None):
        super().__init__(message, field, status)
        self.code = code


class MeetingNotFound(NotFound):
    """No such meeting, or the viewer is neither side (both answer the same)."""


# -- reading ------------------------------------------------------------------------------
of_event = ev.meetings_of_event
of_person = ev.meetings_of_person


def side_of(viewer: Viewer, meeting: Mapping) -> str | None:
    if viewer.person_id and viewer.person_id == meeting.get("requester"):
        return "requester"
    if viewer.person_id and viewer.person_id == meeting.get("recipient"):
        return "recipient"
    return None


def other_side(side: str) -> str:
    return "recipient" if side == "requester" else "requester"


def get_meeting(store: GraphStore, viewer: Viewer, meeting_id: str) -> dict:
    """The meeting if the viewer is one of its two sides (or staff); otherwise 404."""
    try:
        meeting = store.get_node(Label.MEETING, check_id(meeting_id, "meeting"))
    except ValidationError:
        meeting = None
    if meeting is None or not (viewer.is_staff or side_of(viewer, meeting)):
        raise MeetingNotFound("This meeting does not exist.")
    return meeting


def _person(store: GraphStore, person_id: str) -> dict:
    return store.get_node(Label.PERSON, person_id) or {"id": person_id, "name": person_id}


def _account_of(store: GraphStore, person_id: str, account_id: str | None) -> dict | None:
    if account_id:
        account = store.get_node(Label.ACCOUNT, account_id)
        if account and account.get("person_id") == person_id and account.get("approved"):
            return account
    page = store.list_nodes(Label.ACCOUNT, {"person_id": person_id}, limit=5)
    return next((a for a in page.items if a.get("approved")), None)


def contacts(store: GraphStore, viewer: Viewer, meeting: Mapping) -> dict:
    """The other side's contact details, once the meeting is accepted (each side sees the
    other's; staff see neither here, they have the participant list)."""
    side = side_of(viewer, meeting)
    if side is None or meeting.get("status") not in ("accepted", "scheduled"):
        return {}
    other = other_side(side)
    person = _person(store, meeting[other])
    account = _account_of(store, meeting[other], meeting.get(f"{other}_account")) or {}
    out = {"name": display_name(Label.PERSON, person)}
    # Accepting a meeting is consenting to be reached by this person: their account e-mail
    # is shown; profile fields keep their own visibility.
    if account.get("email"):
        out["email"] = account["email"]
    readable = visible_props(viewer, Label.PERSON, person)
    for key in ("email", "phone"):
        if readable.get(key):
            out.setdefault(key, readable[key])
    org_id = meeting.get(f"{other}_org")
    org = store.get_node(Label.ORGANIZATION, org_id) if org_id else None
    if org and can_see(viewer, Label.ORGANIZATION, org):
        out["organization"] = display_name(Label.ORGANIZATION, org)
        if org.get("contact_phone"):
            out["organization_phone"] = org["contact_phone"]
    return out


# -- notifications ------------------------------------------------------------------------
def _tell(store, person_id: str, account_id: str | None, kind: str, link: str, mailer: Mailer | None,
          base_url: str, **params) -> None:
    """Notify one side in the app (both languages stored) and by mail (in the account's language)."""
    account = _account_of(store, person_id, account_id)
    if account is None:
        return
    params.setdefault("when", "")
    text = Message(TEXTS[kind].msgid, params)
    notify(store, account["id"], kind, text.render("de"), text.render("en"), link)
    if mailer is not None and account.get("email"):
        lang = "en" if account.get("language") == "en" else "de"
        mailer(account["email"], SUBJECT.render(lang), text.render(lang) + f"\n\n{base_url}{link}\n")


def event_title(event: ev.Event) -> Localized:
    """The event's title in both languages, as a message parameter."""
    return Localized(de=event.title("de"), en=event.title("en"))


def _when(event: ev.Event, slot_id: str | None, table: str | None, template: Message = WHEN) -> Message | str:
    if not slot_id:
        return ""
    label = event.slot(slot_id).label
    table_no = (table or "")[1:] if (table or "").startswith("T") else (table or "")
    return Message(template.msgid, {"slot": label, "table": table_no})


# -- the workflow ---------------------------------------------------------------------------
def _check_message(text: str | None, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise MeetingError("Please write a short message.", field, "message_required")
    if len(text) > MAX_MESSAGE:
        raise MeetingError(f"The message is longer than {MAX_MESSAGE} characters.", field, "too_long")
    return text


def open_between(store: GraphStore, event_id: str, a: str, b: str) -> dict | None:
    for m in of_person(store, event_id, a):
        if m["status"] in OPEN and {m["requester"], m["recipient"]} == {a, b}:
            return m
    return None


def request(
    store: GraphStore,
    viewer: Viewer,
    event_id: str,
    recipient: str,
    slot: str | None,
    message: str | None,
    *,
    value: float = 1.0,
    now: dt.datetime | None = None,
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """The viewer asks another participant for a meeting, in a given slot or any free one.

    Refused, with nothing stored: a meeting with oneself, someone who does not take part,
    a request after the deadline, a slot outside the grid or not free for both, a slot in
    which either is already booked, a second open request between the same two people.
    `value` is the platform's match strength for the pair (the scheduler's priority), never
    something the requester sends.
    """
    event = ev.get_event(store, viewer, event_id)
    if not event.matchmaking:
        raise MeetingError("This event has no meeting slots.", "event", "no_matchmaking")
    me = ev.registration(store, event.id, viewer.person_id)
    if me is None or not me.active:
        raise NotAllowed("Register for the event to request meetings.")
    if recipient == viewer.person_id:
        raise MeetingError("You cannot request a meeting with yourself.", "recipient", "self_meeting")
    other = ev.registration(store, event.id, recipient) if recipient else None
    person = store.get_node(Label.PERSON, recipient) if other else None
    if other is None or not other.active or person is None or not can_see(viewer, Label.PERSON, person):
        raise MeetingError("This person does not take part in the event.", "recipient", "not_participant", status=404)
    if not event.is_open(now):
        raise MeetingError("Meeting requests for this event are closed.", "event", "deadline_passed")
    text = _check_message(message, "message", required=True)
    if slot:
        event.slot(slot)
        if slot not in me.availability:
            raise MeetingError("You are not free in this slot.", "slot", "not_available")
        if slot not in other.availability:
            raise MeetingError("The other person is not free in this slot.", "slot", "not_available")
        for who in (viewer.person_id, recipient):
            if not is_free(store, event, who, slot):
                raise DoubleBooking(f"{display_name(Label.PERSON, _person(store, who))} already has a meeting at "
                                    f"{event.slot(slot).label}.")
    elif not set(me.availability) & set(other.availability):
        raise MeetingError("You and the other person have no free slot in common.", "slot", "no_common_slot")
    if open_between(store, event.id, viewer.person_id, recipient) is not None:
        raise MeetingError("There is already an open meeting request between you two.", "recipient",
                           "duplicate", status=409)
    recipient_account = _account_of(store, recipient, None)
    meeting = store.create_node(Label.MEETING, {
        "id": "meet-" + uuid.uuid4().hex[:16],
        "event": event.id,
        "requester": viewer.person_id,
        "recipient": recipient,
        "requester_account": viewer.account_id,
        "recipient_account": recipient_account["id"] if recipient_account else None,
        "requester_org": me.organization_id,
        "recipient_org": other.organization_id,
        "status": "requested",
        "message": text,
        "slot": slot or None,
        "value": float(min(max(value, 0.01), 1000.0)),
        "sequence": 0,
        "created_at": now_iso(now),
        "updated_at": now_iso(now),
    })
    _tell(store, recipient, meeting.get("recipient_account"), "meeting_requested", f"/events/{event.id}/agenda",
          mailer, base_url, name=display_name(Label.PERSON, _person(store, viewer.person_id)),
          event=event_title(event), message=text[:200], when=_when(event, slot, None, ASKED))
    return meeting


def answer(
    store: GraphStore,
    viewer: Viewer,
    meeting_id: str,
    accept: bool,
    reply: str | None = "",
    *,
    now: dt.datetime | None = None,
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """The recipient accepts or declines. Accepting a request for a given slot books it at
    once (or fails with DoubleBooking, changing nothing); otherwise the scheduler places it."""
    meeting = get_meeting(store, viewer, meeting_id)
    if side_of(viewer, meeting) != "recipient":
        raise NotAllowed("Only the person asked answers a meeting request.")
    if meeting["status"] != "requested":
        raise MeetingError(f"This request was already answered ({meeting['status']}).", "status", "answered",
                           status=409)
    event = ev.get_event(store, viewer, meeting["event"])
    if event.has_started(now) and accept and not meeting.get("slot"):
        raise MeetingError("The event has started; the meeting can no longer be scheduled.", "status", "started")
    text = _check_message(reply, "reply", required=False)
    changes = {"reply": text or None, "answered_at": now_iso(now), "updated_at": now_iso(now)}
    if not accept:
        meeting = store.update_node(Label.MEETING, meeting_id, {**changes, "status": "declined"})
        _tell(store, meeting["requester"], meeting.get("requester_account"), "meeting_declined",
              f"/events/{event.id}/agenda", mailer, base_url,
              name=display_name(Label.PERSON, _person(store, meeting["recipient"])), event=event_title(event))
        return meeting
    status, table = "accepted", None
    if meeting.get("slot"):
        slot = meeting["slot"]
        for who in (meeting["requester"], meeting["recipient"]):
            reg = ev.registration(store, event.id, who)
            if reg is None or not reg.active or slot not in reg.availability:
                raise MeetingError("One of you is no longer free in the slot asked for.", "slot", "not_available")
        table = book(store, event, meeting, slot, event.table_names, now)
        status = "scheduled"
        changes.update({"scheduled_slot": slot, "table": table, "scheduled_at": now_iso(now)})
    try:
        meeting = store.update_node(Label.MEETING, meeting_id, {**changes, "status": status})
    except BaseException:
        release(store, meeting_id)
        raise
    _tell(store, meeting["requester"], meeting.get("requester_account"), "meeting_accepted",
          f"/events/{event.id}/agenda", mailer, base_url,
          name=display_name(Label.PERSON, _person(store, meeting["recipient"])), event=event_title(event),
          when=_when(event, meeting.get("scheduled_slot"), table))
    return meeting


def cancel(
    store: GraphStore,
    viewer: Viewer,
    meeting_id: str,
    *,
    now: dt.datetime | None = None,
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """Either side calls an open meeting off (before its slot); the other side is told."""
    meeting = get_meeting(store, viewer, meeting_id)
    side = side_of(viewer, meeting)
    if side is None:
        raise NotAllowed("Only the two people of a meeting cancel it.")
    if meeting["status"] not in OPEN:
        raise MeetingError(f"This meeting is {meeting['status']}; there is nothing to cancel.", "status",
                           "not_open", status=409)
    event = ev.get_event(store, viewer, meeting["event"])
    if meeting["status"] == "scheduled" and ev.local_now(now) >= event.slot(meeting["scheduled_slot"]).start:
        raise MeetingError("The meeting has already begun.", "status", "started")
    meeting = store.update_node(Label.MEETING, meeting_id, {"status": "cancelled", "updated_at": now_iso(now),
                                                            "sequence": int(meeting.get("sequence") or 0) + 1})
    release(store, meeting_id)
    other = other_side(side)
    _tell(store, meeting[other], meeting.get(f"{other}_account"), "meeting_cancelled", f"/events/{event.id}/agenda",
          mailer, base_url, name=display_name(Label.PERSON, _person(store, viewer.person_id)),
          event=event_title(event))
    return meeting


def cancel_registration(store: GraphStore, viewer: Viewer, event_id: str, now: dt.datetime | None = None) -> ev.Registration:
    """Cancel the viewer's registration and every meeting they still had at this event."""
    event = ev.get_event(store, viewer, event_id)
    reg = ev.registration(store, event.id, viewer.person_id)
    if reg is None or not reg.active:
        raise ev.EventError("You are not registered for this event.", "event", "not_registered")
    if event.has_started(now):
        raise ev.EventError("The event has started; registrations can no longer be cancelled.", "event", "started")
    for meeting in of_person(store, event.id, viewer.person_id):
        if meeting["status"] in OPEN:
            cancel(store, viewer, meeting["id"], now=now)
    store.upsert_edges(Rel.ATTENDS, [{"source": viewer.person_id, "target": event.id, "status": "cancelled",
                                      "updated_at": now_iso(now)}])
    return ev.registration(store, event.id, viewer.person_id)


def record_outcome(
    store: GraphStore,
    viewer: Viewer,
    meeting_id: str,
    outcome: str,
    follow_up: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict:
    """After the meeting's slot began: "met" or "not_met", and for a meeting that happened
    "useful" or "not_useful". Held meetings link the two organisations on the map and the
    follow-up becomes ranking feedback."""
    meeting = get_meeting(store, viewer, meeting_id)
    side = side_of(viewer, meeting)
    if side is None:
        raise NotAllowed("Only the two people of a meeting say whether it happened.")
    if outcome not in MEETING_OUTCOMES:
        raise MeetingError("Say whether you met.", "outcome", "bad_outcome")
    if follow_up not in (None, "", *FOLLOW_UPS):
        raise MeetingError("Choose useful or not useful.", "follow_up", "bad_follow_up")
    if outcome == "not_met" and follow_up:
        raise MeetingError("A meeting that did not happen has no follow-up.", "follow_up", "bad_follow_up")
    if meeting["status"] not in ("scheduled", "accepted"):
        raise MeetingError("Only an accepted meeting can have taken place.", "status", "not_accepted", status=409)
    event = ev.get_event(store, viewer, meeting["event"])
    starts = event.slot(meeting["scheduled_slot"]).start if meeting.get("scheduled_slot") else event.starts
    if starts is None or ev.local_now(now) < starts:
        raise MeetingError("You can say how it went once the meeting has begun.", "outcome", "too_early")
    changes = {f"outcome_{side}": outcome, "updated_at": now_iso(now)}
    if follow_up:
        changes[f"follow_up_{side}"] = follow_up
    meeting = store.update_node(Label.MEETING, meeting_id, changes)
    if outcome == "met":
        ev.mark_attended(store, event.id, viewer.person_id, meeting.get(f"{side}_org"), now)
    _remember(store, event, meeting)
    if follow_up and viewer.account_id:
        _feedback(store, viewer, meeting, side, follow_up)
    return meeting


def is_held(meeting: Mapping) -> bool:
    outcomes = {meeting.get("outcome_requester"), meeting.get("outcome_recipient")}
    return "met" in outcomes and "not_met" not in outcomes


def _remember(store: GraphStore, event: ev.Event, meeting: Mapping) -> None:
    """Keep the MET edge of the two organisations equal to the meetings they held."""
    a, b = meeting.get("requester_org"), meeting.get("recipient_org")
    if not a or not b or a == b:
        return
    low, high = sorted((a, b))
    held = [m for m in store.all_nodes(Label.MEETING, {"requester_org": [low, high]})
            if {m.get("requester_org"), m.get("recipient_org")} == {low, high} and is_held(m)]
    if held:
        store.upsert_edges(Rel.MET, [{"source": low, "target": high, "weight": float(len(held)),
                                      "event": event.id, "date": event.node.get("date"), "origin": "event"}])
    else:
        store.delete_edge(Rel.MET, low, high)


def _feedback(store: GraphStore, viewer: Viewer, meeting: Mapping, side: str, follow_up: str) -> None:
    """The follow-up as /matches feedback: on the other organisation, in the partners list."""
    other = other_side(side)
    target = meeting.get(f"{other}_org") or meeting[other]
    subject, context = (viewer.organization_id, "partners") if viewer.organization_id else (viewer.person_id, "collaborators")
    if not subject or target == subject:
        return
    record_feedback(store, viewer, subject, target, "useful" if follow_up == "useful" else "not_relevant", context)


# -- the agenda -------------------------------------------------------------------------------
@dataclass
class AgendaEntry:
    meeting: dict
    side: str
    other: dict  # the other person's node
    other_org: dict | None
    slot: object | None  # scheduling.grid.Slot

    @property
    def status(self) -> str:
        return self.meeting["status"]


def agenda(store: GraphStore, viewer: Viewer, event: ev.Event) -> list[AgendaEntry]:
    """The viewer's meetings at the event: scheduled ones in time order, then the rest."""
    rows = []
    for m in of_person(store, event.id, viewer.person_id):
        side = side_of(viewer, m)
        other = other_side(side)
        org_id = m.get(f"{other}_org")
        org = store.get_node(Label.ORGANIZATION, org_id) if org_id else None
        slot_id = m.get("scheduled_slot") if m["status"] == "scheduled" else m.get("slot")
        slot = event.slot(slot_id) if slot_id and slot_id in {s.id for s in event.grid} else None
        rows.append(AgendaEntry(m, side, _person(store, m[other]),
                                org if org and can_see(viewer, Label.ORGANIZATION, org) else None, slot))
    order = {"scheduled": 0, "accepted": 1, "requested": 2, "declined": 3, "cancelled": 4}
    rows.sort(key=lambda e: (order.get(e.status, 9), e.slot.start if e.slot else dt.datetime.max,
                             e.meeting.get("created_at") or ""))
    return rows

