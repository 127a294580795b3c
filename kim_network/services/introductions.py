"""Introductions with double opt-in: request, accept or decline, reminders, retention, funnel.

A member asks for an introduction to an organisation with a short message. The
organisation's members are notified (in the app and by mail) and accept or decline.
Contact details of both sides are revealed to each side only after acceptance. Plain
functions over the store; mail goes through the `mailer(to, subject, body)` passed in.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping

from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.model import INTRO_STATUS, Label, display_name
from kim_network.store import GraphStore
from kim_network.core.visibility import Viewer, can_see
from kim_network.core.clock import now_iso, parse_iso, utcnow
from kim_network.services.notifications import notify

MAX_MESSAGE = 1000
OPEN = "requested"
Mailer = Callable[[str, str, str], object]


class IntroductionError(Invalid):
    """A request that cannot be carried out. `field` names the input, `status` the HTTP status."""


class IntroNotFound(NotFound):
    """No such introduction, or the viewer is no party to it (both answer 404)."""


__all__ = ["IntroductionError", "IntroNotFound", "NotAllowed"]


def _accounts(store: GraphStore, filters: Mapping) -> list[dict]:
    return store.all_nodes(Label.ACCOUNT, filters)


def recipients(store: GraphStore, organization_id: str) -> list[dict]:
    """The approved accounts of an organisation: who answers its introductions."""
    return [a for a in _accounts(store, {"organization_id": organization_id}) if a.get("approved")]


def is_requester_side(viewer: Viewer, intro: Mapping) -> bool:
    return viewer.account_id == intro.get("requester_account") or (
        viewer.organization_id is not None and viewer.organization_id == intro.get("requester_org")
    )


def is_recipient_side(viewer: Viewer, intro: Mapping) -> bool:
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


def _org_name(store: GraphStore, org_id: str | None) -> str:
    node = store.get_node(Label.ORGANIZATION, org_id) if org_id else None
    return display_name(Label.ORGANIZATION, node) if node else (org_id or "")


def _requester_name(store: GraphStore, intro: Mapping) -> str:
    account = store.get_node(Label.ACCOUNT, intro["requester_account"]) or {}
    name = account.get("name") or account.get("email") or intro["requester_account"]
    org = _org_name(store, intro.get("requester_org"))
    return f"{name} ({org})" if org else name


def _tell(store, accounts: Iterable[dict], kind: str, text_de: str, text_en: str, link: str,
          mailer: Mailer | None, subject_de: str, subject_en: str, base_url: str) -> None:
    """Notify accounts in the app and by mail, each in their language."""
    for account in accounts:
        notify(store, account["id"], kind, text_de, text_en, link)
        if mailer is not None and account.get("email"):
            english = account.get("language") == "en"
            body = (text_en if english else text_de) + f"\n\n{base_url}{link}\n"
            mailer(account["email"], subject_en if english else subject_de, body)


def check_message(message: str | None, field: str = "message", required: bool = True) -> str:
    text = (message or "").strip()
    if required and not text:
        raise IntroductionError("Please write a short message.", field)
    if len(text) > MAX_MESSAGE:
        raise IntroductionError(f"The message is longer than {MAX_MESSAGE} characters.", field)
    return text


def open_request(store: GraphStore, viewer: Viewer, target_org: str) -> dict | None:
    """The open request of this member (or a colleague) to the organisation, if there is one."""
    sides = []
    if viewer.account_id:
        sides.append({"requester_account": viewer.account_id})
    if viewer.organization_id:
        sides.append({"requester_org": viewer.organization_id})
    for side in sides:
        page = store.list_nodes(Label.INTRODUCTION, {**side, "target_org": target_org, "status": OPEN}, limit=1)
        if page.items:
            return page.items[0]
    return None


def request_introduction(
    store: GraphStore,
    viewer: Viewer,
    target_org: str,
    message: str | None,
    reasons: str = "",
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """Ask for an introduction to `target_org`; its members are notified."""
    if not viewer.is_member or not viewer.account_id:
        raise NotAllowed("only members ask for introductions")
    text = check_message(message)
    try:
        target = store.get_node(Label.ORGANIZATION, target_org)
    except ValueError:
        target = None
    if target is None or not can_see(viewer, Label.ORGANIZATION, target) or target.get("merged_into"):
        raise IntroductionError("This organisation does not exist.", "target_org", status=404)
    if viewer.organization_id == target_org:
        raise IntroductionError("You cannot ask for an introduction to your own organisation.", "target_org")
    if open_request(store, viewer, target_org) is not None:
        raise IntroductionError(
            "There is already an open request to this organisation.", "target_org", status=409)
    intro = store.create_node(Label.INTRODUCTION, {
        "id": "intro-" + uuid.uuid4().hex[:16],
        "requester_account": viewer.account_id,
        "requester_org": viewer.organization_id,
        "target_org": target_org,
        "message": text,
        "reasons": (reasons or "")[:5000],
        "status": OPEN,
        "created_at": now_iso(),
    })
    who = _requester_name(store, intro)
    _tell(store, recipients(store, target_org), "introduction_requested",
          f"{who} bittet um eine Vorstellung: „{text[:200]}“",
          f"{who} asks for an introduction: “{text[:200]}”",
          f"/introductions/{intro['id']}", mailer,
          "Neue Kontaktanfrage im KI.M Netzwerk", "New introduction request on KI.M Netzwerk", base_url)
    return intro


def answer(
    store: GraphStore,
    viewer: Viewer,
    intro_id: str,
    accept: bool,
    reply: str | None = "",
    mailer: Mailer | None = None,
    base_url: str = "",
) -> dict:
    """The recipient organisation accepts or declines; the requester is told either way."""
    intro = get_introduction(store, viewer, intro_id)
    if not is_recipient_side(viewer, intro):
        raise NotAllowed("only the requested organisation answers")
    if intro["status"] != OPEN:
        raise IntroductionError(f"This request was already answered ({intro['status']}).", "status", status=409)
    text = check_message(reply, "reply", required=False)
    status = "accepted" if accept else "declined"
    intro = store.update_node(Label.INTRODUCTION, intro_id, {
        "status": status, "reply": text or None, "answered_at": now_iso()})
    org = _org_name(store, intro["target_org"])
    requester = store.get_node(Label.ACCOUNT, intro["requester_account"])
    if accept:
        de = f"{org} hat Ihre Kontaktanfrage angenommen. Die Kontaktdaten stehen jetzt bereit."
        en = f"{org} accepted your introduction request. Contact details are now available."
    else:
        de = f"{org} hat Ihre Kontaktanfrage abgelehnt."
        en = f"{org} declined your introduction request."
    _tell(store, [requester] if requester else [], f"introduction_{status}", de, en,
          f"/introductions/{intro_id}", mailer,
          "Antwort auf Ihre Kontaktanfrage", "Answer to your introduction request", base_url)
    return intro


def withdraw(store: GraphStore, viewer: Viewer, intro_id: str) -> dict:
    """The requester takes back an open request."""
    intro = get_introduction(store, viewer, intro_id)
    if viewer.account_id != intro["requester_account"]:
        raise NotAllowed("only the requester withdraws")
    if intro["status"] != OPEN:
        raise IntroductionError(f"This request was already answered ({intro['status']}).", "status", status=409)
    return store.update_node(Label.INTRODUCTION, intro_id, {"status": "withdrawn", "answered_at": now_iso()})


def contacts(store: GraphStore, viewer: Viewer, intro: Mapping) -> dict:
    """Contact details of the other side, only once the introduction is accepted.

    Returns ``{"requester": {...}, "target": {...}}`` with the sides the viewer may see:
    each side sees the other's, staff see both, nobody sees anything before acceptance.
    """
    if intro.get("status") != "accepted":
        return {}
    out = {}
    if viewer.is_staff or is_requester_side(viewer, intro):
        target = store.get_node(Label.ORGANIZATION, intro["target_org"]) or {}
        out["target"] = {"name": display_name(Label.ORGANIZATION, target) if target else intro["target_org"],
                         **{k: target[k] for k in ("contact_email", "contact_phone") if target.get(k)}}
    if viewer.is_staff or is_recipient_side(viewer, intro):
        account = store.get_node(Label.ACCOUNT, intro["requester_account"]) or {}
        side = {"name": account.get("name") or "", "email": account.get("email")}
        org = store.get_node(Label.ORGANIZATION, intro["requester_org"]) if intro.get("requester_org") else None
        if org:
            side["organization"] = display_name(Label.ORGANIZATION, org)
            side.update({k: org[k] for k in ("contact_email", "contact_phone") if org.get(k)})
        out["requester"] = {k: v for k, v in side.items() if v}
    return out


@dataclass
class IntroList:
    sent: list[dict]
    received: list[dict]


def _intros(store: GraphStore, filters: Mapping, limit: int = 200) -> list[dict]:
    return store.list_nodes(Label.INTRODUCTION, filters, order_by="created_at", descending=True,
                            limit=limit).items


def for_viewer(store: GraphStore, viewer: Viewer, limit: int = 200) -> IntroList:
    """The introductions a member asked for (they or colleagues) and those their organisation received."""
    sent = {i["id"]: i for i in _intros(store, {"requester_account": viewer.account_id}, limit)} \
        if viewer.account_id else {}
    received: list[dict] = []
    if viewer.organization_id:
        for intro in _intros(store, {"requester_org": viewer.organization_id}, limit):
            sent.setdefault(intro["id"], intro)
        received = _intros(store, {"target_org": viewer.organization_id}, limit)
    ordered = sorted(sent.values(), key=lambda i: i.get("created_at") or "", reverse=True)
    return IntroList(ordered, received)


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
    """Remind recipients of requests open longer than `reminder_days`; once per request.

    Idempotent: a request carries `reminded_at` after its reminder, so running this
    again (from cron, or lazily on a staff page view) sends nothing twice.
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
            who = _requester_name(store, intro)
            _tell(store, recipients(store, intro["target_org"]), "introduction_reminder",
                  f"Erinnerung: {who} wartet seit {reminder_days} Tagen auf Ihre Antwort.",
                  f"Reminder: {who} has been waiting {reminder_days} days for your answer.",
                  f"/introductions/{intro['id']}", mailer,
                  "Erinnerung: offene Kontaktanfrage", "Reminder: open introduction request", base_url)
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
        if created and created < cutoff and (intro.get("message") or intro.get("reply")):
            store.update_node(Label.INTRODUCTION, intro["id"], {"message": None, "reply": None})
            purged += 1
    return purged
