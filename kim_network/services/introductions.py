"""Introductions with double opt-in: to an organisation, to a person, via KI.M staff, or bridged by staff.

Routes (``Introduction.route``):

- ``direct``: a member asks for an organisation (its approved accounts answer) or for a
  person with an account (that person answers, nobody else sees it). Contact details of
  both sides are revealed to each side only after acceptance: the person's own fields as
  far as their visibility allows, and the e-mail of whoever accepted.
- ``staff`` ("Vermittlung durch KI.M"): the organisation or person asked for has no account,
  so nobody on the platform could answer. The request goes to the staff queue; staff
  contact them outside the platform and record the outcome: reached, declined or met.
- ``bridge``: staff introduce two organisations to each other with a message they previewed
  and edited. Both sides are told, both answer; contacts flow once both accepted.

Everything a person reads (notifications, mails) is a catalogue message rendered in the
reader's language (`kim_network.core.messages`). Plain functions over the store; mail goes
through the `mailer(to, subject, body)` passed in.
"""
from __future__ import annotations

import uuid
from typing import Mapping

from kim_network.core.clock import now_iso
from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.messages import msg
from kim_network.core.model import Label, display_name
from kim_network.core.visibility import Viewer, can_see
from kim_network.services.introduction_parties import (
    OPEN, Mailer, _node, _org_name, _tell, bridge_side, can_view, is_recipient_side, is_requester_side,
    org_accounts, person_account, recipients, requester_name, route_of, staff_accounts, target_name)
from kim_network.store import GraphStore

MAX_MESSAGE = 1000
OUTCOMES = ("reached", "declined", "met")


class IntroductionError(Invalid):
    """A request that cannot be carried out. `field` names the input, `status` the HTTP status."""


class IntroNotFound(NotFound):
    """No such introduction, or the viewer is no party to it (both answer 404)."""


def get_introduction(store: GraphStore, viewer: Viewer, intro_id: str) -> dict:
    try:
        intro = store.get_node(Label.INTRODUCTION, intro_id)
    except ValueError:  # an id that cannot exist
        intro = None
    if intro is None or not can_view(viewer, intro):
        raise IntroNotFound(intro_id)
    return intro



def check_message(message: str | None, field: str = "message", required: bool = True) -> str:
    text = (message or "").strip()
    if required and not text:
        raise IntroductionError("Please write a short message.", field)
    if len(text) > MAX_MESSAGE:
        raise IntroductionError(f"The message is longer than {MAX_MESSAGE} characters.", field)
    return text


def _quote(text: str) -> str:
    return text[:200] + ("…" if len(text) > 200 else "")


# -- asking -----------------------------------------------------------------------------------
def open_request(store: GraphStore, viewer: Viewer, target_org: str | None = None,
                 target_person: str | None = None) -> dict | None:
    """The open request of this member (or a colleague) to the organisation or person, if any."""
    target = {"target_person": target_person} if target_person else {"target_org": target_org, "target_person": None}
    sides = []
    if viewer.account_id:
        sides.append({"requester_account": viewer.account_id})
    if viewer.organization_id:
        sides.append({"requester_org": viewer.organization_id})
    for side in sides:
        for intro in store.list_nodes(Label.INTRODUCTION, {**side, **target, "status": OPEN}, limit=5).items:
            if route_of(intro) != "bridge":
                return intro
    return None


def latest_request(store: GraphStore, viewer: Viewer, target_org: str | None = None,
                   target_person: str | None = None) -> dict | None:
    """The newest request this member (or a colleague) sent to the organisation or person, any status."""
    target = {"target_person": target_person} if target_person else {"target_org": target_org, "target_person": None}
    found = []
    for side in ([{"requester_account": viewer.account_id}] if viewer.account_id else []) + \
            ([{"requester_org": viewer.organization_id}] if viewer.organization_id else []):
        found += [i for i in _intros(store, {**side, **target}, limit=5) if route_of(i) != "bridge"]
    return max(found, key=lambda i: i.get("created_at") or "", default=None)


def _visible_target(store: GraphStore, viewer: Viewer, label: Label, node_id: str) -> dict:
    node = _node(store, label, node_id)
    if node is None or not can_see(viewer, label, node) or node.get("merged_into"):
        raise IntroductionError("This organisation or person does not exist.",
                                "target_person" if label is Label.PERSON else "target_org", status=404)
    return node


def request_introduction(
    store: GraphStore,
    viewer: Viewer,
    target_org: str | None,
    message: str | None,
    mailer: Mailer | None = None,
    base_url: str = "",
    *,
    target_person: str | None = None,
) -> dict:
    """Ask for an introduction to an organisation or (`target_person`) a person.

    The request goes to whoever can answer it: the person's own account, the organisation's
    approved accounts, or, when there is nobody, KI.M's staff queue. Reasons are never taken
    from the asker: whoever reads the request sees reasons the platform computes for them.
    """
    if not viewer.is_member or not viewer.account_id:
        raise NotAllowed("only members ask for introductions")
    text = check_message(message)
    props = {"requester_account": viewer.account_id, "requester_org": viewer.organization_id}
    if target_person:
        person = _visible_target(store, viewer, Label.PERSON, target_person)
        if viewer.person_id == target_person:
            raise IntroductionError("You cannot ask for an introduction to yourself.", "target_person")
        account = person_account(store, target_person)
        if account is not None and account["id"] == viewer.account_id:
            raise IntroductionError("You cannot ask for an introduction to yourself.", "target_person")
        props.update(target_person=person["id"],
                     recipient_account=account["id"] if account else None,
                     route="direct" if account else "staff")
    elif target_org:
        org = _visible_target(store, viewer, Label.ORGANIZATION, target_org)
        if viewer.organization_id == target_org:
            raise IntroductionError("You cannot ask for an introduction to your own organisation.", "target_org")
        props.update(target_org=org["id"], route="direct" if org_accounts(store, org["id"]) else "staff")
    else:
        raise IntroductionError("Say whom the request is for.", "target_org")
    if open_request(store, viewer, props.get("target_org"), props.get("target_person")) is not None:
        raise IntroductionError("There is already an open request to this organisation or person.",
                                "target_person" if target_person else "target_org", status=409)
    intro = store.create_node(Label.INTRODUCTION, {
        "id": "intro-" + uuid.uuid4().hex[:16], **{k: v for k, v in props.items() if v is not None},
        "message": text, "status": OPEN, "created_at": now_iso(),
    })
    who, link = requester_name(store, intro), f"/introductions/{intro['id']}"
    if intro["route"] == "staff":
        _tell(store, staff_accounts(store), "introduction_for_staff",
              msg("Vermittlung durch KI.M: %(who)s asks for a contact to %(target)s, who has no account "
                  "on the platform yet: “%(message)s”", who=who, target=target_name(store, intro),
                  message=_quote(text)),
              link, mailer, msg("A contact request for KI.M to pass on"), base_url)
    else:
        note = (msg("%(who)s would like to get in touch with you: “%(message)s”", who=who, message=_quote(text))
                if target_person else
                msg("%(who)s asks for an introduction: “%(message)s”", who=who, message=_quote(text)))
        _tell(store, recipients(store, intro), "introduction_requested", note, link, mailer,
              msg("New contact request on KI.M Netzwerk"), base_url)
    return intro


def introduce(store: GraphStore, viewer: Viewer, org_a: str, org_b: str, message: str | None,
              mailer: Mailer | None = None, base_url: str = "") -> dict:
    """Staff introduce two organisations to each other (a bridge); both are told and both answer."""
    if not viewer.is_staff or not viewer.account_id:
        raise NotAllowed("only staff introduce organisations to each other")
    text = check_message(message)
    a = _visible_target(store, viewer, Label.ORGANIZATION, org_a)
    b = _visible_target(store, viewer, Label.ORGANIZATION, org_b)
    if a["id"] == b["id"]:
        raise IntroductionError("Choose two different organisations.", "target_org")
    for first, second in ((a["id"], b["id"]), (b["id"], a["id"])):
        for intro in store.list_nodes(Label.INTRODUCTION, {"requester_org": first, "target_org": second,
                                                           "route": "bridge", "status": OPEN}, limit=1).items:
            raise IntroductionError("These two organisations already have an open introduction.", "target_org",
                                    status=409)
    intro = store.create_node(Label.INTRODUCTION, {
        "id": "intro-" + uuid.uuid4().hex[:16], "requester_account": viewer.account_id,
        "requester_org": a["id"], "target_org": b["id"], "route": "bridge", "message": text,
        "status": OPEN, "created_at": now_iso(),
    })
    link = f"/introductions/{intro['id']}"
    for side, other in (("requester", b), ("target", a)):
        _tell(store, recipients(store, intro, side), "introduction_bridge",
              msg("The KI.M team would like to introduce you to %(other)s: “%(message)s”",
                  other=display_name(Label.ORGANIZATION, other), message=_quote(text)),
              link, mailer, msg("KI.M would like to introduce you"), base_url)
    return intro


# -- answering ------------------------------------------------------------------------------------
def _still_open(intro: Mapping) -> None:
    if intro["status"] != OPEN:
        raise IntroductionError(f"This request was already answered ({intro['status']}).", "status", status=409)


def answer(
    store: GraphStore,
    viewer: Viewer,
    intro_id: str,
    accept: bool,
    reply: str | None = "",
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """The recipient accepts or declines; the requester (and in a bridge, everyone) is told."""
    intro = get_introduction(store, viewer, intro_id)
    if not is_recipient_side(viewer, intro):
        raise NotAllowed("only the organisation or person asked answers")
    _still_open(intro)
    text = check_message(reply, "reply", required=False)
    verdict = "accepted" if accept else "declined"
    link = f"/introductions/{intro_id}"
    if route_of(intro) == "bridge":
        return _answer_bridge(store, viewer, intro, verdict, text, mailer, base_url)
    intro = store.update_node(Label.INTRODUCTION, intro_id, {
        "status": verdict, "reply": text or None, "answered_at": now_iso(), "answered_by": viewer.account_id})
    name = target_name(store, intro)
    note = (msg("%(name)s accepted your contact request. Contact details are now available.", name=name)
            if accept else msg("%(name)s declined your contact request.", name=name))
    requester = _node(store, Label.ACCOUNT, intro["requester_account"])
    _tell(store, [requester] if requester else [], f"introduction_{verdict}", note, link, mailer,
          msg("Answer to your contact request"), base_url)
    return intro


def _answer_bridge(store, viewer, intro, verdict, text, mailer, base_url) -> dict:
    side = bridge_side(viewer, intro)
    if intro.get(f"{side}_answer"):
        raise IntroductionError("Your organisation has already answered.", "status", status=409)
    changes = {f"{side}_answer": verdict}
    if text:
        changes["reply"] = text
    other = "target" if side == "requester" else "requester"
    both = verdict == "accepted" and intro.get(f"{other}_answer") == "accepted"
    if verdict == "declined" or both:
        changes.update(status=verdict, answered_at=now_iso(), answered_by=viewer.account_id)
    intro = store.update_node(Label.INTRODUCTION, intro["id"], changes)
    me = _org_name(store, intro.get(f"{side}_org"))
    if verdict == "declined":
        note = msg("%(name)s declined the introduction.", name=me)
    elif both:
        note = msg("%(a)s and %(b)s both accepted the introduction. Contact details are now available.",
                   a=_org_name(store, intro.get("requester_org")), b=_org_name(store, intro.get("target_org")))
    else:
        note = msg("%(name)s accepted the introduction. It now waits for the other side.", name=me)
    broker = _node(store, Label.ACCOUNT, intro["requester_account"])
    told = [broker] + (recipients(store, intro, other) if verdict == "declined" or both else [])
    if both:
        told += recipients(store, intro, side)
    _tell(store, told, f"introduction_{verdict}", note, f"/introductions/{intro['id']}", mailer,
          msg("News about an introduction by KI.M"), base_url)
    return intro


def withdraw(store: GraphStore, viewer: Viewer, intro_id: str) -> dict:
    """The requester takes back an open request."""
    intro = get_introduction(store, viewer, intro_id)
    if viewer.account_id != intro["requester_account"]:
        raise NotAllowed("only the requester withdraws")
    _still_open(intro)
    return store.update_node(Label.INTRODUCTION, intro_id, {"status": "withdrawn", "answered_at": now_iso()})


def can_mark_met(viewer: Viewer, intro: Mapping) -> bool:
    if intro.get("status") not in ("accepted", "reached"):
        return False
    return viewer.is_staff or is_requester_side(viewer, intro) or is_recipient_side(viewer, intro)


def mark_met(store: GraphStore, viewer: Viewer, intro_id: str) -> dict:
    """Either side (or staff) records that the two met: the loop closes in the funnel."""
    intro = get_introduction(store, viewer, intro_id)
    if not can_mark_met(viewer, intro):
        raise IntroductionError("Only an accepted introduction can be marked as met.", "status", status=409)
    return store.update_node(Label.INTRODUCTION, intro_id, {"status": "met", "met_at": now_iso()})


# -- KI.M staff queue ("Vermittlung durch KI.M") ---------------------------------------------
def staff_queue(store: GraphStore, viewer: Viewer, limit: int = 200) -> list[dict]:
    """Open requests nobody on the platform can answer, and open bridges: what staff act on."""
    if not viewer.is_staff:
        raise NotAllowed("the queue is for staff")
    rows = [i for route in ("staff", "bridge")
            for i in store.list_nodes(Label.INTRODUCTION, {"route": route, "status": OPEN}, order_by="created_at",
                                      limit=limit).items]
    return sorted(rows, key=lambda i: i.get("created_at") or "")


def can_record_outcome(viewer: Viewer, intro: Mapping) -> bool:
    return viewer.is_staff and route_of(intro) in ("staff", "bridge") and intro.get("status") in (OPEN, "reached")


def record_outcome(store: GraphStore, viewer: Viewer, intro_id: str, outcome: str, note: str | None = "",
                   mailer: Mailer | None = None, base_url: str = "") -> dict:
    """Staff record what came of a request they passed on: reached, declined or met."""
    intro = get_introduction(store, viewer, intro_id)
    if not viewer.is_staff:
        raise NotAllowed("only staff record outcomes")
    if outcome not in OUTCOMES:
        raise IntroductionError(f"The outcome must be one of: {', '.join(OUTCOMES)}.", "outcome")
    if not can_record_outcome(viewer, intro):
        raise IntroductionError(f"This request is already closed ({intro['status']}).", "status", status=409)
    text = check_message(note, "note", required=False)
    stamp = now_iso()
    changes = {"status": outcome, "outcome_note": text or None, "handled_by": viewer.account_id,
               "handled_at": stamp}
    if outcome == "met":
        changes["met_at"] = stamp
    intro = store.update_node(Label.INTRODUCTION, intro_id, changes)
    name = target_name(store, intro)
    notes = {
        "reached": msg("KI.M reached %(name)s and passed your request on.", name=name),
        "declined": msg("KI.M spoke to %(name)s: they do not wish to be put in touch at the moment.", name=name),
        "met": msg("KI.M recorded that you met %(name)s.", name=name),
    }
    if route_of(intro) == "bridge":
        told = recipients(store, intro)
        note = msg("KI.M recorded the outcome of the introduction of %(a)s and %(b)s.",
                   a=_org_name(store, intro.get("requester_org")), b=_org_name(store, intro.get("target_org")))
    else:
        told = [a for a in [_node(store, Label.ACCOUNT, intro["requester_account"])] if a]
        note = notes[outcome]
    _tell(store, told, f"introduction_{outcome}", note, f"/introductions/{intro_id}", mailer,
          msg("News about your contact request"), base_url)
    return intro


# -- lists (funnel, reminders and retention: introduction_upkeep) ------------------------------
def _intros(store: GraphStore, filters: Mapping, limit: int = 200) -> list[dict]:
    return store.list_nodes(Label.INTRODUCTION, filters, order_by="created_at", descending=True,
                            limit=limit).items


def _newest(rows) -> list[dict]:
    return sorted(rows, key=lambda i: i.get("created_at") or "", reverse=True)


def _asked_by(store: GraphStore, viewer: Viewer, limit: int) -> tuple[dict[str, dict], dict[str, dict]]:
    """The requests the member or their organisation asked for, and the organisation's bridges."""
    sent = {i["id"]: i for i in _intros(store, {"requester_account": viewer.account_id}, limit)} \
        if viewer.account_id else {}
    bridges: dict[str, dict] = {}
    if viewer.organization_id:
        for intro in _intros(store, {"requester_org": viewer.organization_id}, limit):
            (bridges if route_of(intro) == "bridge" else sent).setdefault(intro["id"], intro)
    return sent, bridges


def sent_by(store: GraphStore, viewer: Viewer, limit: int = 200) -> list[dict]:
    """The requests a member asked for (they or colleagues), newest first: `for_viewer(...).sent`
    in two reads instead of four, for pages that show only what the member asked for."""
    return _newest(_asked_by(store, viewer, limit)[0].values())


def for_viewer(store: GraphStore, viewer: Viewer, limit: int = 200) -> "IntroList":
    """The requests a member asked for (they or colleagues) and those addressed to them or their organisation."""
    sent, bridges = _asked_by(store, viewer, limit)
    received: dict[str, dict] = {}
    if viewer.account_id:
        for intro in _intros(store, {"recipient_account": viewer.account_id}, limit):
            received[intro["id"]] = intro
    if viewer.organization_id:
        for intro_id, intro in bridges.items():
            received.setdefault(intro_id, intro)
        for intro in _intros(store, {"target_org": viewer.organization_id}, limit):
            if not intro.get("target_person"):
                received.setdefault(intro["id"], intro)
    received = {k: v for k, v in received.items() if k not in sent or route_of(v) == "bridge"}
    return IntroList(_newest(sent.values()), _newest(received.values()))


class IntroList:
    """A member's introductions: the ones they asked for and the ones addressed to them."""

    def __init__(self, sent: list[dict], received: list[dict]):
        self.sent, self.received = sent, received
