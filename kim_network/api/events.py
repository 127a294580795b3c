"""/api/v1/events and /api/v1/meetings: events, registration, suggested meetings, requests,
answers, "we met", and the staff's scheduler run; the same services as the pages."""
from __future__ import annotations

from flask import current_app

from kim_network.api.schemas import ID, path_id
from kim_network.api.v1 import api
from kim_network.core.clock import utcnow
from kim_network.core.model import FOLLOW_UPS, MEETING_OUTCOMES, display_name
from kim_network.extensions import current_projection, get_store
from kim_network.services import event_matches, event_schedule as sched, events as ev, meetings as mt
from kim_network.services.recommendations import Boosts
from kim_network.web.mail import public_base_url, send_mail

EVENT_ID = path_id("event_id", "Event id.")
MEETING_ID = path_id("meeting_id", "Meeting id.")
EVENT = {"type": "object", "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": ["string", "null"]},
    "start_time": {"type": ["string", "null"]}, "end_time": {"type": ["string", "null"]},
    "city": {"type": ["string", "null"]}, "place": {"type": ["string", "null"]},
    "format": {"type": ["string", "null"]}, "registration_deadline": {"type": ["string", "null"]},
    "tables": {"type": "integer"},
    "slots": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "start": {"type": "string"}, "end": {"type": "string"}}}},
    "registration": {"type": ["object", "null"]}}}
MEETING = {"type": "object", "properties": {
    "id": {"type": "string"}, "event": {"type": "string"}, "status": {"type": "string"},
    "side": {"type": ["string", "null"]}, "with": {"type": "object"}, "slot": {"type": ["string", "null"]},
    "table": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]},
    "contacts": {"type": "object"}}}


def _now():
    clock = current_app.extensions.get("kim.clock")
    return clock() if clock else utcnow()


def _lang(args) -> str:
    return "en" if args.get("lang") == "en" else "de"


def _base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


def event_json(event: ev.Event, viewer, lang: str) -> dict:
    reg = ev.registration(get_store(), event.id, viewer.person_id)
    return {
        "id": event.id, "title": event.title(lang), "date": event.node.get("date"),
        "start_time": event.node.get("start_time"), "end_time": event.node.get("end_time"),
        "city": event.node.get("city"), "place": event.node.get("place"), "format": event.node.get("format"),
        "registration_deadline": event.node.get("registration_deadline"), "tables": event.tables,
        "slots": [{"id": s.id, "start": s.start.isoformat(timespec="minutes"), "end": s.end.isoformat(timespec="minutes")}
                  for s in event.grid],
        "registration": {"status": reg.status, "looks_for": reg.looks_for, "offers": reg.offers,
                         "availability": reg.availability} if reg else None,
    }


def meeting_json(meeting: dict, viewer) -> dict:
    store = get_store()
    side = mt.side_of(viewer, meeting)
    other = mt.other_side(side) if side else "recipient"
    person = mt._person(store, meeting[other])
    return {
        "id": meeting["id"], "event": meeting["event"], "status": meeting["status"], "side": side,
        "with": {"id": meeting[other], "name": display_name("Person", person)},
        "slot": meeting.get("scheduled_slot") or meeting.get("slot"), "table": meeting.get("table"),
        "message": meeting.get("message"), "unplaced_reason": meeting.get("unplaced_reason"),
        "contacts": mt.contacts(store, viewer, meeting),
    }


@api.endpoint("GET", "/events", summary="Upcoming events", tag="events",
              response={"type": "array", "items": EVENT})
def list_events(args, viewer):
    """Upcoming KI.M events the caller may see, soonest first."""
    return [event_json(e, viewer, _lang(args)) for e in ev.list_events(get_store(), viewer, now=_now())]


@api.endpoint("GET", "/events/{event_id}", summary="One event", tag="events", params=(EVENT_ID,),
              response=EVENT, errors=(404,))
def get_event(event_id, args, viewer):
    """With the meeting grid and, for a participant, their registration."""
    return event_json(ev.get_event(get_store(), viewer, event_id), viewer, _lang(args))


@api.endpoint("POST", "/events/{event_id}/registration", summary="Register for an event", tag="events",
              auth="member", params=(EVENT_ID,), status=201, response=EVENT, errors=(404, 422))
def register(event_id, args, viewer):
    """Needs and offers come from the profile; free in every slot until changed."""
    store = get_store()
    ev.register(store, viewer, event_id, now=_now())
    return event_json(ev.get_event(store, viewer, event_id), viewer, _lang(args))


@api.endpoint("PATCH", "/events/{event_id}/registration", summary="My needs, offers and free slots",
              tag="events", auth="member", params=(EVENT_ID,), response=EVENT, errors=(404, 409, 422),
              body={"type": "object", "additionalProperties": False, "properties": {
                  "looks_for": {"type": "array", "maxItems": 30, "items": ID},
                  "offers": {"type": "array", "maxItems": 30, "items": ID},
                  "availability": {"type": "array", "maxItems": 200, "items": {"type": "string", "maxLength": 40}},
                  "max_meetings": {"type": ["integer", "null"], "minimum": 0, "maximum": 200},
                  "note": {"type": "string", "maxLength": 500}}})
def update_registration(event_id, args, viewer, body):
    """Everything is checked first; a slot outside the grid or one holding a meeting changes nothing."""
    store = get_store()
    ev.update_preferences(store, viewer, event_id, looks_for=body.get("looks_for"), offers=body.get("offers"),
                          availability=body.get("availability"),
                          max_meetings=body["max_meetings"] if "max_meetings" in body else "",
                          note=body.get("note"), now=_now())
    return event_json(ev.get_event(store, viewer, event_id), viewer, _lang(args))


@api.endpoint("GET", "/events/{event_id}/suggestions", summary="Suggested meetings", tag="events",
              auth="member", params=(EVENT_ID,), errors=(403, 404),
              response={"type": "array", "items": {"type": "object"}})
def suggestions(event_id, args, viewer):
    """Participants worth meeting, from the /matches engine, with reasons (participants only)."""
    store = get_store()
    event = ev.get_event(store, viewer, event_id)
    found = event_matches.suggestions(current_projection(), store, viewer, event, k=20,
                                      boosts=Boosts.from_config(current_app.config))
    lang = _lang(args)
    return [{"person": s.person_id, "name": s.registration.name,
             "organization": s.registration.organization_id, "score": round(s.score, 4),
             "reasons": [r.text(lang) for r in s.reasons], "open_meeting": (s.open_meeting or {}).get("id")}
            for s in found]


@api.endpoint("GET", "/events/{event_id}/meetings", summary="My meetings at an event", tag="events",
              auth="member", params=(EVENT_ID,), errors=(404,), response={"type": "array", "items": MEETING})
def my_meetings(event_id, args, viewer):
    """The caller's agenda: scheduled meetings by time, then the others."""
    store = get_store()
    event = ev.get_event(store, viewer, event_id)
    return [meeting_json(e.meeting, viewer) for e in mt.agenda(store, viewer, event)]


@api.endpoint("POST", "/events/{event_id}/meetings", summary="Request a meeting", tag="events", auth="member",
              params=(EVENT_ID,), status=201, response=MEETING, errors=(403, 404, 409, 422),
              body={"type": "object", "additionalProperties": False, "required": ["recipient", "message"],
                    "properties": {"recipient": ID,
                                   "slot": {"type": ["string", "null"], "maxLength": 40,
                                            "description": "A slot id of the grid; absent: any free slot."},
                                   "message": {"type": "string", "minLength": 1, "maxLength": mt.MAX_MESSAGE}}})
def request_meeting(event_id, args, viewer, body):
    """Refused with nothing stored: oneself, a non-participant, after the deadline, a slot outside
    the grid or already booked, a second open request to the same person."""
    store = get_store()
    event = ev.get_event(store, viewer, event_id)
    value = event_matches.strength(current_projection(), store, viewer, event, body["recipient"],
                                   Boosts.from_config(current_app.config))
    meeting = mt.request(store, viewer, event_id, body["recipient"], body.get("slot") or None, body["message"],
                         value=value, now=_now(), mailer=send_mail, base_url=_base_url())
    return meeting_json(meeting, viewer)


def _answer(viewer, meeting_id: str, accepted: bool, body) -> dict:
    meeting = mt.answer(get_store(), viewer, meeting_id, accepted, (body or {}).get("reply"), now=_now(),
                        mailer=send_mail, base_url=_base_url())
    return meeting_json(meeting, viewer)


REPLY = {"type": "object", "additionalProperties": False,
         "properties": {"reply": {"type": "string", "maxLength": mt.MAX_MESSAGE}}}


@api.endpoint("POST", "/meetings/{meeting_id}/accept", summary="Accept a meeting", tag="events", auth="member",
              params=(MEETING_ID,), body=REPLY, body_required=False, response=MEETING, errors=(403, 404, 409))
def accept_meeting(meeting_id, args, viewer, body):
    """The person asked only; a request for a given slot is booked at once (409 if it is taken)."""
    return _answer(viewer, meeting_id, True, body)


@api.endpoint("POST", "/meetings/{meeting_id}/decline", summary="Decline a meeting", tag="events", auth="member",
              params=(MEETING_ID,), body=REPLY, body_required=False, response=MEETING, errors=(403, 404, 409))
def decline_meeting(meeting_id, args, viewer, body):
    """The person asked only."""
    return _answer(viewer, meeting_id, False, body)


@api.endpoint("POST", "/meetings/{meeting_id}/cancel", summary="Cancel a meeting", tag="events", auth="member",
              params=(MEETING_ID,), response=MEETING, errors=(403, 404, 409))
def cancel_meeting(meeting_id, args, viewer):
    """Either side, before the meeting; frees the slot."""
    return meeting_json(mt.cancel(get_store(), viewer, meeting_id, now=_now(), mailer=send_mail,
                                  base_url=_base_url()), viewer)


@api.endpoint("POST", "/meetings/{meeting_id}/outcome", summary="Did the meeting take place?", tag="events",
              auth="member", params=(MEETING_ID,), response=MEETING, errors=(403, 404, 409, 422),
              body={"type": "object", "additionalProperties": False, "required": ["outcome"], "properties": {
                  "outcome": {"type": "string", "enum": list(MEETING_OUTCOMES)},
                  "follow_up": {"type": ["string", "null"], "enum": [*FOLLOW_UPS, None]}}})
def meeting_outcome(meeting_id, args, viewer, body):
    """Either side, once the meeting has begun; a held meeting links the organisations."""
    return meeting_json(mt.record_outcome(get_store(), viewer, meeting_id, body["outcome"], body.get("follow_up"),
                                          now=_now()), viewer)


@api.endpoint("POST", "/events/{event_id}/schedule", summary="Run the meeting scheduler", tag="events",
              auth="staff", params=(EVENT_ID,), errors=(404, 422),
              response={"type": "object", "properties": {
                  "placed": {"type": "integer"}, "not_placed": {"type": "integer"}, "status": {"type": "string"},
                  "reasons": {"type": "object"}}})
def run_schedule(event_id, args, viewer):
    """Places every accepted meeting; says how many and why the rest were not placed."""
    report = sched.run_scheduler(get_store(), viewer, event_id, now=_now(), mailer=send_mail, base_url=_base_url())
    return {"placed": report.placed, "not_placed": len(report.unplaced), "status": report.status,
            "reasons": dict(report.reason_counts())}
