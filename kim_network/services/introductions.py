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
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping

from kim_network.core.clock import now_iso, parse_iso, utcnow
from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.messages import Message, msg, nmsg
from kim_network.core.model import INTRO_STATUS, Label, display_name
from kim_network.core.visibility import Viewer, can_see
from kim_network.services.notifications import notify
from kim_network.store import GraphStore

MAX_MESSAGE = 1000
OPEN = "requested"
OUTCOMES = ("reached", "declined", "met")
Mailer = Callable[[str, str, str], object]


class IntroductionError(Invalid):
    """A request that cannot be carried out. `field` names the input, `status` the HTTP status."""


class IntroNotFound(NotFound):
    """No such introduction, or the viewer is no party to it (both answer 404)."""


__all__ = ["IntroductionError", "IntroNotFound", "NotAllowed"]


def route_of(intro: Mapping) -> str:
    return intro.get("route") or "direct"


# -- who is who ---------------------------------------------------------------------------
def bridge_side(viewer: Viewer, intro: Mapping) -> str | None:
    """In a bridge, which of the two introduced organisations the viewer speaks for."""
    if route_of(intro) != "bridge" or not viewer.is_member or viewer.organization_id is None:
        return None
    if viewer.organization_id == intro.get("requester_org"):
        return "requester"
    if viewer.organization_id == intro.get("target_org"):
        return "target"
    return None


def is_requester_side(viewer: Viewer, intro: Mapping) -> bool:
    """Who asked: the account (or, for a member's request, a colleague). A bridge's asker is staff."""
    if viewer.account_id is not None and viewer.account_id == intro.get("requester_account"):
        return True
    return route_of(intro) != "bridge" and viewer.is_member and viewer.organization_id is not None \
        and viewer.organization_id == intro.get("requester_org")


def is_recipient_side(viewer: Viewer, intro: Mapping) -> bool:
    """Who answers: the person asked for, the organisation's members, or a bridged side."""
    route = route_of(intro)
    if route == "bridge":
        return bridge_side(viewer, intro) is not None
    if route == "staff" or not viewer.is_member:
        return False
    if intro.get("recipient_account"):
        return viewer.account_id == intro["recipient_account"]
    return viewer.organization_id is not None and viewer.organization_id == intro.get("target_org")


def can_view(viewer: Viewer, intro: Mapping) -> bool:
    """Both sides and staff see an introduction and its status."""
    return viewer.is_staff or is_requester_side(viewer, intro) or is_recipient_side(viewer, intro)


def get_introduction(store: GraphStore, viewer: Viewer, intro_id: str) -> dict:
    try:
        intro = store.get_node(Label.INTRODUCTION, intro_id)
    except ValueError:  # an id that cannot exist
        intro = None
    if intro is None or not can_view(viewer, intro):
        raise IntroNotFound(intro_id)
    return intro


# -- names and recipients ----------------------------------------------------------------------
def _node(store: GraphStore, label: Label, node_id: str | None) -> dict | None:
    if not node_id:
        return None
    try:
        return store.get_node(label, node_id)
    except ValueError:
        return None


def target_name(store: GraphStore, intro: Mapping) -> str:
    if intro.get("target_person"):
        person = _node(store, Label.PERSON, intro["target_person"])
        return display_name(Label.PERSON, person) if person else intro["target_person"]
    org = _node(store, Label.ORGANIZATION, intro.get("target_org"))
    return display_name(Label.ORGANIZATION, org) if org else (intro.get("target_org") or "")


def _org_name(store: GraphStore, org_id: str | None) -> str:
    org = _node(store, Label.ORGANIZATION, org_id)
    return display_name(Label.ORGANIZATION, org) if org else (org_id or "")


def _account_name(account: Mapping | None, fallback: str = "") -> str:
    return (account or {}).get("name") or (account or {}).get("email") or fallback


def requester_name(store: GraphStore, intro: Mapping) -> str:
    account = _node(store, Label.ACCOUNT, intro.get("requester_account")) or {}
    name = _account_name(account, intro.get("requester_account") or "")
    org = _org_name(store, intro.get("requester_org")) if route_of(intro) != "bridge" else ""
    return f"{name} ({org})" if org else name


def org_accounts(store: GraphStore, organization_id: str | None) -> list[dict]:
    """The approved accounts of an organisation: who answers its requests."""
    if not organization_id:
        return []
    return [a for a in store.all_nodes(Label.ACCOUNT, {"organization_id": organization_id}) if a.get("approved")]


def person_account(store: GraphStore, person_id: str) -> dict | None:
    """The approved account of a person, if they have one."""
    for account in store.all_nodes(Label.ACCOUNT, {"person_id": person_id}):
        if account.get("approved"):
            return account
    return None


def staff_accounts(store: GraphStore) -> list[dict]:
    return [a for role in ("staff", "admin") for a in store.all_nodes(Label.ACCOUNT, {"role": role})
            if a.get("approved")]


def recipients(store: GraphStore, intro: Mapping, side: str | None = None) -> list[dict]:
    """The accounts that answer an introduction (for a bridge: one side, or both)."""
    route = route_of(intro)
    if route == "staff":
        return []
    if route == "bridge":
        sides = [side] if side else ["requester", "target"]
        return [a for s in sides for a in org_accounts(store, intro.get(f"{s}_org"))]
    if intro.get("recipient_account"):
        account = _node(store, Label.ACCOUNT, intro["recipient_account"])
        return [account] if account and account.get("approved") else []
    return org_accounts(store, intro.get("target_org"))


def _tell(store, accounts: Iterable[dict], kind: str, text: Message, link: str, mailer: Mailer | None,
          subject: Message, base_url: str) -> None:
    """Notify accounts in the app and by mail, each in their own language."""
    seen = set()
    for account in accounts:
        if not account or account["id"] in seen:
            continue
        seen.add(account["id"])
        notify(store, account["id"], kind, text.render("de"), text.render("en"), link)
        if mailer is not None and account.get("email"):
            lang = "en" if account.get("language") == "en" else "de"
            mailer(account["email"], subject.render(lang), text.render(lang) + f"\n\n{base_url}{link}\n")


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


# -- lists, funnel, reminders, retention --------------------------------------------------------
def _intros(store: GraphStore, filters: Mapping, limit: int = 200) -> list[dict]:
    return store.list_nodes(Label.INTRODUCTION, filters, order_by="created_at", descending=True,
                            limit=limit).items


def for_viewer(store: GraphStore, viewer: Viewer, limit: int = 200) -> "IntroList":
    """The requests a member asked for (they or colleagues) and those addressed to them or their organisation."""
    sent = {i["id"]: i for i in _intros(store, {"requester_account": viewer.account_id}, limit)} \
        if viewer.account_id else {}
    received: dict[str, dict] = {}
    if viewer.account_id:
        for intro in _intros(store, {"recipient_account": viewer.account_id}, limit):
            received[intro["id"]] = intro
    if viewer.organization_id:
        for intro in _intros(store, {"requester_org": viewer.organization_id}, limit):
            (received if route_of(intro) == "bridge" else sent).setdefault(intro["id"], intro)
        for intro in _intros(store, {"target_org": viewer.organization_id}, limit):
            if not intro.get("target_person"):
                received.setdefault(intro["id"], intro)
    received = {k: v for k, v in received.items() if k not in sent or route_of(v) == "bridge"}

    def newest(rows):
        return sorted(rows, key=lambda i: i.get("created_at") or "", reverse=True)
    return IntroList(newest(sent.values()), newest(received.values()))


class IntroList:
    """A member's introductions: the ones they asked for and the ones addressed to them."""

    def __init__(self, sent: list[dict], received: list[dict]):
        self.sent, self.received = sent, received


def funnel(store: GraphStore) -> dict[str, int]:
    """How many introductions are in each status (what staff watch)."""
    return {status: store.list_nodes(Label.INTRODUCTION, {"status": status}, limit=1).total
            for status in INTRO_STATUS}


def remind_unanswered(
    store: GraphStore,
    reminder_days: int,
    now: datetime | None = None,
    mailer: Mailer | None = None,
    base_url: str = "",
) -> int:
    """Remind whoever has not answered a request open longer than `reminder_days`; once per request.

    Idempotent: a request carries `reminded_at` after its reminder, so running this again
    (from cron, or lazily on a staff page view) sends nothing twice. Requests in the staff
    queue are reminded to staff.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=reminder_days)
    sent = 0
    while True:
        # Oldest first: reminded requests leave the filter, so each round starts at offset 0.
        page = store.list_nodes(Label.INTRODUCTION, {"status": OPEN, "reminded_at": None},
                                order_by="created_at", limit=200)
        due = [i for i in page.items if (parse_iso(i.get("created_at")) or now) <= cutoff]
        for intro in due:
            # Mark first: a crash after this point loses one reminder rather than sending two.
            store.update_node(Label.INTRODUCTION, intro["id"], {"reminded_at": now_iso(now)})
            route = route_of(intro)
            if route == "staff":
                told = staff_accounts(store)
            elif route == "bridge":
                told = [a for side in ("requester", "target") if not intro.get(f"{side}_answer")
                        for a in recipients(store, intro, side)]
            else:
                told = recipients(store, intro)
            _tell(store, told, "introduction_reminder",
                  nmsg("Reminder: %(who)s has been waiting %(n)d day for an answer.",
                       "Reminder: %(who)s has been waiting %(n)d days for an answer.", reminder_days,
                       who=requester_name(store, intro) if route != "bridge" else "KI.M"),
                  f"/introductions/{intro['id']}", mailer, msg("Reminder: open contact request"), base_url)
            sent += 1
        if len(due) < len(page.items) or len(page.items) < 200:
            return sent


def purge_messages(store: GraphStore, retention_days: int, now: datetime | None = None) -> int:
    """Delete the texts of introductions older than `retention_days`; status and dates stay.

    The funnel keeps counting them; only what people wrote is gone.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    purged = 0
    for intro in store.all_nodes(Label.INTRODUCTION, None, order_by="created_at"):
        created = parse_iso(intro.get("created_at"))
        if created and created < cutoff and (intro.get("message") or intro.get("reply") or intro.get("outcome_note")):
            store.update_node(Label.INTRODUCTION, intro["id"], {"message": None, "reply": None, "outcome_note": None})
            purged += 1
    return purged
