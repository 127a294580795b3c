"""Who is who in an introduction: its route, which side a viewer speaks for, the names of the
two sides, the accounts that answer it, and telling them (in the app and by mail).

Part of the introductions service (`kim_network.services.introductions` re-exports it).
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping

from kim_network.core.messages import Message
from kim_network.core.model import Label, display_name
from kim_network.core.visibility import Viewer
from kim_network.services.notifications import notify
from kim_network.store import GraphStore

OPEN = "requested"  # the status of a request nobody has answered yet
Mailer = Callable[[str, str, str], object]


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

