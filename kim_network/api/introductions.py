"""/api/v1/introductions: ask for, read, answer and withdraw introductions (double opt-in)."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.schemas import ID, path_id, ref
from kim_network.core.model import Label
from kim_network.extensions import get_store
from kim_network.services import introductions as intros
from kim_network.web.mail import public_base_url, send_mail


def intro_json(intro: dict, viewer) -> dict:
    store = get_store()
    names = store.get_nodes(Label.ORGANIZATION, [i for i in (intro.get("target_org"), intro.get("requester_org")) if i])

    def org(org_id):
        if not org_id:
            return None
        node = names.get(org_id)
        return {"id": org_id, "name": node.get("name") if node else org_id}

    if intros.is_recipient_side(viewer, intro):
        direction = "received"
    elif intros.is_requester_side(viewer, intro):
        direction = "sent"
    else:
        direction = "other"
    account = store.get_node(Label.ACCOUNT, intro["requester_account"]) or {}
    return {
        "id": intro["id"],
        "status": intro["status"],
        "direction": direction,
        "requester": account.get("name") or intro["requester_account"],
        "requester_org": org(intro.get("requester_org")),
        "target_org": org(intro.get("target_org")),
        "message": intro.get("message"),
        "reply": intro.get("reply"),
        "created_at": intro.get("created_at"),
        "answered_at": intro.get("answered_at"),
        "contacts": intros.contacts(store, viewer, intro),
    }


def _mailer():
    return send_mail


def _base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


@api.endpoint("GET", "/introductions", summary="My introductions", tag="introductions", auth="member",
              response={"type": "object", "properties": {
                  "sent": {"type": "array", "items": ref("Introduction")},
                  "received": {"type": "array", "items": ref("Introduction")}}})
def list_introductions(args, viewer):
    """Requests I (or colleagues) sent, and requests my organisation received."""
    mine = intros.for_viewer(get_store(), viewer)
    return {"sent": [intro_json(i, viewer) for i in mine.sent],
            "received": [intro_json(i, viewer) for i in mine.received]}


@api.endpoint("POST", "/introductions", summary="Ask for an introduction", tag="introductions",
              auth="member", status=201, errors=(404, 409), response=ref("Introduction"),
              body={"type": "object", "additionalProperties": False, "required": ["target_org", "message"],
                    "properties": {
                        "target_org": ID,
                        "message": {"type": "string", "minLength": 1, "maxLength": intros.MAX_MESSAGE},
                        "reasons": {"type": "string", "maxLength": 5000,
                                    "description": "Why this match was suggested (shown to the recipient)."}}})
def create_introduction(args, viewer, body):
    """The organisation's members are notified; contact details follow only after acceptance."""
    intro = intros.request_introduction(get_store(), viewer, body["target_org"], body["message"],
                                        body.get("reasons") or "", mailer=_mailer(), base_url=_base_url())
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
    """Members of the requested organisation only; reveals both sides' contact details."""
    return _answer(intro_id, viewer, body, True)


@api.endpoint("POST", "/introductions/{intro_id}/decline", summary="Decline a request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), body=REPLY, body_required=False,
              response=ref("Introduction"), errors=(404, 409))
def decline_introduction(intro_id, args, viewer, body):
    """Members of the requested organisation only."""
    return _answer(intro_id, viewer, body, False)


@api.endpoint("POST", "/introductions/{intro_id}/withdraw", summary="Withdraw my request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404, 409))
def withdraw_introduction(intro_id, args, viewer):
    """The requester only, while the request is open."""
    return intro_json(intros.withdraw(get_store(), viewer, intro_id), viewer)
