"""/api/v1/introductions: ask for, read, answer, withdraw introductions; KI.M's queue and bridges."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.schemas import ID, path_id, ref
from kim_network.extensions import current_projection, get_store
from kim_network.services import introductions as intros
from kim_network.services.introduction_view import describe
from kim_network.web.i18n import current_language
from kim_network.web.mail import public_base_url, send_mail


def intro_json(intro: dict, viewer) -> dict:
    """The introduction as the caller sees it (the same service call as the page)."""
    return describe(get_store(), viewer, intro, current_projection()).as_json(current_language())


def _mailer():
    return send_mail


def _base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


@api.endpoint("GET", "/introductions", summary="My introductions", tag="introductions", auth="member",
              response={"type": "object", "properties": {
                  "sent": {"type": "array", "items": ref("Introduction")},
                  "received": {"type": "array", "items": ref("Introduction")}}})
def list_introductions(args, viewer):
    """Requests I (or colleagues) sent, and requests addressed to me or my organisation."""
    mine = intros.for_viewer(get_store(), viewer)
    return {"sent": [intro_json(i, viewer) for i in mine.sent],
            "received": [intro_json(i, viewer) for i in mine.received]}


MESSAGE = {"type": "string", "minLength": 1, "maxLength": intros.MAX_MESSAGE}


@api.endpoint("POST", "/introductions", summary="Ask for an introduction", tag="introductions",
              auth="member", status=201, errors=(404, 409), response=ref("Introduction"),
              body={"type": "object", "additionalProperties": False, "required": ["message"],
                    "properties": {
                        "target_org": {**ID, "description": "The organisation asked for."},
                        "target_person": {**ID, "description": "Or the person asked for: their own account "
                                                              "answers, or KI.M passes the request on."},
                        "message": MESSAGE}})
def create_introduction(args, viewer, body):
    """Whoever can answer is notified; contact details follow only after acceptance.

    Reasons are not part of the request: the reader of a request sees reasons the platform
    computes for them.
    """
    intro = intros.request_introduction(get_store(), viewer, body.get("target_org"), body["message"],
                                        mailer=_mailer(), base_url=_base_url(),
                                        target_person=body.get("target_person"))
    return intro_json(intro, viewer)


@api.endpoint("GET", "/introductions/queue", summary="Requests KI.M passes on", tag="introductions",
              auth="staff", response={"type": "object", "properties": {
                  "items": {"type": "array", "items": ref("Introduction")}}})
def staff_queue(args, viewer):
    """Open requests to profiles without an account, and open bridging introductions (staff)."""
    return {"items": [intro_json(i, viewer) for i in intros.staff_queue(get_store(), viewer)]}


@api.endpoint("POST", "/introductions/bridge", summary="Introduce two organisations", tag="introductions",
              auth="staff", status=201, errors=(404, 409), response=ref("Introduction"),
              body={"type": "object", "additionalProperties": False, "required": ["org_a", "org_b", "message"],
                    "properties": {"org_a": ID, "org_b": ID, "message": MESSAGE}})
def bridge_introduction(args, viewer, body):
    """Staff introduce A and B to each other; both are told and both answer."""
    intro = intros.introduce(get_store(), viewer, body["org_a"], body["org_b"], body["message"],
                             mailer=_mailer(), base_url=_base_url())
    return intro_json(intro, viewer)


@api.endpoint("GET", "/introductions/{intro_id}", summary="One introduction", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404,))
def get_introduction(intro_id, args, viewer):
    """Both sides and staff; 404 for anyone else."""
    return intro_json(intros.get_introduction(get_store(), viewer, intro_id), viewer)


REPLY = {"type": "object", "additionalProperties": False,
         "properties": {"reply": {"type": "string", "maxLength": intros.MAX_MESSAGE}}}


def _answer(intro_id, viewer, body, accept: bool):
    intro = intros.answer(get_store(), viewer, intro_id, accept, (body or {}).get("reply"),
                          mailer=_mailer(), base_url=_base_url())
    return intro_json(intro, viewer)


@api.endpoint("POST", "/introductions/{intro_id}/accept", summary="Accept a request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), body=REPLY, body_required=False,
              response=ref("Introduction"), errors=(404, 409))
def accept_introduction(intro_id, args, viewer, body):
    """The person or organisation asked (or a side of a bridge); reveals both sides' contact details."""
    return _answer(intro_id, viewer, body, True)


@api.endpoint("POST", "/introductions/{intro_id}/decline", summary="Decline a request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), body=REPLY, body_required=False,
              response=ref("Introduction"), errors=(404, 409))
def decline_introduction(intro_id, args, viewer, body):
    """The person or organisation asked (or a side of a bridge)."""
    return _answer(intro_id, viewer, body, False)


@api.endpoint("POST", "/introductions/{intro_id}/withdraw", summary="Withdraw my request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404, 409))
def withdraw_introduction(intro_id, args, viewer):
    """The requester only, while the request is open."""
    return intro_json(intros.withdraw(get_store(), viewer, intro_id), viewer)


@api.endpoint("POST", "/introductions/{intro_id}/met", summary="We met", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404, 409))
def met_introduction(intro_id, args, viewer):
    """Either side (or staff) records that the two met, once the request was accepted."""
    return intro_json(intros.mark_met(get_store(), viewer, intro_id), viewer)


@api.endpoint("POST", "/introductions/{intro_id}/outcome", summary="Record what KI.M achieved", tag="introductions",
              auth="staff", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404, 409),
              body={"type": "object", "additionalProperties": False, "required": ["outcome"],
                    "properties": {"outcome": {"enum": list(intros.OUTCOMES)},
                                   "note": {"type": "string", "maxLength": intros.MAX_MESSAGE}}})
def outcome_introduction(intro_id, args, viewer, body):
    """Staff: reached, declined or met, for a request they passed on or a bridge."""
    intro = intros.record_outcome(get_store(), viewer, intro_id, body["outcome"], body.get("note"),
                                  mailer=_mailer(), base_url=_base_url())
    return intro_json(intro, viewer)
