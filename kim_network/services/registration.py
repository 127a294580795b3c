"""Self-registration and its review by staff: claims of an organisation, approval, rejection.

An account never links itself to an organisation. Registering with an existing
organisation, or with a new one, records a *claim* (`claimed_organization_id`); only
staff approval turns the claim into the link (`organization_id`) that every feature
trusts (`kim_network.web.access.AccountUser.viewer`). Until then the account sees what
anonymous visitors see, plus what it wrote itself.

Registration never tells the visitor whether an e-mail address has an account or whether
a hidden organisation exists: names are looked up among organisations an anonymous
visitor can see, and a taken e-mail address gets the same answer as a new one, while the
owner of the address is told by mail (`Registration.outcome`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from kim_network.core.clock import now_iso, utcnow
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, Label, Rel
from kim_network.core.text import strip_accents
from kim_network.core.visibility import ANONYMOUS, Viewer, can_see
from kim_network.services.accounts import (
    CONSENT_VERSION,
    AccountError,
    check_credentials,
    find_account_by_email,
    get_account,
    hash_password,
    normalise_email,
    spend_hash_time,
)
from kim_network.services.audit import record as audit
from kim_network.store import GraphStore, InvalidQuery

CLAIM = "claimed_organization_id"


@dataclass
class Registration:
    """What a registration did. The visitor reads the same for both outcomes; the mail differs.

    `outcome` is "created" (a new account awaiting approval) or "email_taken" (nothing was
    stored; `account` is the existing account, whose owner is told by mail).
    """

    outcome: str
    account: dict


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def _name_key(name: str | None) -> str:
    return " ".join(strip_accents(name or "").casefold().split())


def _organizations_named(store: GraphStore, name: str) -> dict[str, dict]:
    """Every stored organisation called `name` (case and accents folded), merges followed."""
    wanted = _name_key(name)
    if not wanted:
        return {}
    found = {n["id"]: n for n in store.list_nodes(Label.ORGANIZATION, {"name": name.strip()}, limit=20).items}
    try:
        hits, _total = store.search(name, labels=[Label.ORGANIZATION], limit=50)
    except InvalidQuery:
        hits = []
    found.update({h.id: h.node for h in hits if _name_key(h.node.get("name")) == wanted})
    resolved: dict[str, dict] = {}
    for node in found.values():
        seen = set()
        while node.get("merged_into") and node["id"] not in seen:
            seen.add(node["id"])
            target = store.get_node(Label.ORGANIZATION, node["merged_into"])
            if target is None:
                break
            node = target
        resolved[node["id"]] = node
    return resolved


def find_listed_organization(store: GraphStore, name: str) -> dict | None:
    """The one organisation called `name` that anyone may see (public, not pending).

    Hidden organisations (members-only, staff-only, pending) are never found, so the
    answer is the same for a hidden name and an unknown one. Raises AccountError when
    several listed organisations carry the name.
    """
    listed = [n for n in _organizations_named(store, name).values() if can_see(ANONYMOUS, Label.ORGANIZATION, n)]
    if len(listed) > 1:
        raise AccountError(
            _l("Several organisations carry this name. Please contact the KI.M team."), "organization_name")
    return listed[0] if listed else None


def _check_input(name, email, password, organization_name, new_organization, organization_kind,
                 organization_city, person_kind) -> None:
    """Everything a visitor can correct on the form; nothing here depends on stored data."""
    if not name:
        raise AccountError(_l("Please enter your name."), "name")
    if not organization_name:
        raise AccountError(_l("Please enter the name of your organisation."), "organization_name")
    if person_kind and person_kind not in PERSON_KINDS:
        raise AccountError(_l("Please choose one of the listed options."), "person_kind")
    check_credentials(email, password)
    if new_organization:
        if organization_kind not in ORG_KINDS:
            raise AccountError(_l("Please choose the kind of organisation."), "organization_kind")
        if not (organization_city or "").strip():
            raise AccountError(_l("Please enter the city."), "organization_city")


def register(
    store: GraphStore,
    *,
    name: str,
    email: str,
    password: str,
    organization_name: str,
    new_organization: bool,
    organization_kind: str | None = None,
    organization_city: str | None = None,
    person_kind: str | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> Registration:
    """Self-registration: an unapproved account with a claim of an existing or a new organisation.

    A new organisation, and the person when `person_kind` is given, are created with
    `pending: True` and `visibility: members`; staff approval publishes them and links
    the account. Raises AccountError for input the visitor can correct (stores nothing).
    """
    now = now or utcnow()
    name, organization_name = (name or "").strip(), (organization_name or "").strip()
    email = normalise_email(email)
    _check_input(name, email, password, organization_name, new_organization, organization_kind,
                 organization_city, person_kind)
    existing = find_account_by_email(store, email)
    if existing is not None:
        spend_hash_time(password)  # as long as hashing the new password takes
        return Registration("email_taken", existing)
    listed = find_listed_organization(store, organization_name)
    if new_organization and listed is not None:
        # A listed organisation is public knowledge; duplicates are the commonest data problem.
        raise AccountError(
            _l("An organisation with this name is already registered. Choose “Yes, it is already registered” to join it."),
            "organization_name")
    if not new_organization and listed is None:
        raise AccountError(
            _l("No organisation with this name is registered yet. Check the spelling or create it as a new organisation."),
            "organization_name")

    stamp = now_iso(now)
    account_id = _new_id("acc")
    claim = listed["id"] if listed else store.create_node(Label.ORGANIZATION, {
        "id": _new_id("org"), "name": organization_name, "kind": organization_kind,
        "city": organization_city.strip(), "visibility": "members", "source": "registration",
        "created_at": stamp, "updated_at": stamp, "pending": True,
        "registered_by": account_id,  # its registrant may build the profile before approval
    })["id"]
    person = None
    if person_kind:
        person = store.create_node(Label.PERSON, {
            "id": _new_id("person"), "name": name, "kind": person_kind, "email": email,
            "email_visibility": "members", "visibility": "members", "source": "registration",
            "created_at": stamp, "updated_at": stamp, "pending": True, "account_id": account_id,
        })
    account = store.create_node(Label.ACCOUNT, {
        "id": account_id, "email": email, "password_hash": hash_password(password), "name": name,
        "role": "member", CLAIM: claim, "approved": False,
        "language": language if language in ("de", "en") else None,
        "consent_version": CONSENT_VERSION, "consent_at": stamp, "created_at": stamp,
        **({"person_id": person["id"]} if person else {}),
    })
    return Registration("created", account)


def pending_viewer(store: GraphStore, account: dict) -> Viewer:
    """The Viewer of an account waiting for approval.

    It sees only what anonymous visitors see, plus the organisation and person that its own
    registration created, so it can build its profile (skills, needs, offers) while staff
    check it. An existing organisation it claimed is not its own until staff approve.
    """
    org_id = person_id = None
    claim = claimed_organization(account)
    org = store.get_node(Label.ORGANIZATION, claim) if claim else None
    if org and org.get("pending") and org.get("registered_by") == account["id"]:
        org_id = org["id"]
    person = store.get_node(Label.PERSON, account["person_id"]) if account.get("person_id") else None
    if person and person.get("pending") and person.get("account_id") == account["id"]:
        person_id = person["id"]
    return Viewer(role="pending", account_id=account["id"], organization_id=org_id, person_id=person_id)


# -- review by staff ----------------------------------------------------------------------------


def claimed_organization(account: dict) -> str | None:
    """The organisation an unapproved account asks to join (older records kept it as the link)."""
    return account.get(CLAIM) or (None if account.get("approved") else account.get("organization_id"))


def pending_accounts(store: GraphStore, limit: int = 200) -> list[dict]:
    """Accounts waiting for approval, oldest first, each with the `organization` it claims, its
    `person`, and `same_name`: other organisations of the same name (any visibility), for staff
    to link the account to instead of a duplicate."""
    accounts = store.list_nodes(Label.ACCOUNT, {"approved": False}, order_by="created_at", limit=limit).items
    orgs = store.get_nodes(Label.ORGANIZATION, [c for c in map(claimed_organization, accounts) if c])
    people = store.get_nodes(Label.PERSON, [a["person_id"] for a in accounts if a.get("person_id")])
    out = []
    for account in accounts:
        org = orgs.get(claimed_organization(account) or "")
        same = []
        if org is not None and org.get("pending"):
            same = sorted((n for i, n in _organizations_named(store, org["name"]).items() if i != org["id"]),
                          key=lambda n: n["id"])
        out.append({**account, "organization": org, "person": people.get(account.get("person_id")),
                    "same_name": same})
    return out


def _claimants(store: GraphStore, org_id: str) -> int:
    return (store.list_nodes(Label.ACCOUNT, {"organization_id": org_id}, limit=2).total
            + store.list_nodes(Label.ACCOUNT, {CLAIM: org_id}, limit=2).total)


def _discard_registered_organization(store: GraphStore, org_id: str | None) -> None:
    """Delete a pending organisation a registration created, unless another account refers to it."""
    org = store.get_node(Label.ORGANIZATION, org_id) if org_id else None
    if org and org.get("pending") and _claimants(store, org_id) <= 1:
        store.delete_node(Label.ORGANIZATION, org_id)


def approve_account(store: GraphStore, account_id: str, actor_id: str, now: datetime | None = None,
                    organization_id: str | None = None) -> dict:
    """Approve an account: its claim becomes its organisation, and what it registered is published.

    With `organization_id`, staff link the account to that (existing) organisation instead
    of the one it claimed; a pending organisation the registration created is then deleted.
    """
    now = now or utcnow()
    account = get_account(store, account_id)
    if account is None:
        raise AccountError(_l("This account does not exist (any more)."))
    org_id = claimed_organization(account)
    if organization_id and organization_id != org_id:
        target = store.get_node(Label.ORGANIZATION, organization_id)
        if target is None or target.get("merged_into"):
            raise AccountError(_l("This organisation does not exist (any more)."))
        store.update_node(Label.ACCOUNT, account_id, {CLAIM: organization_id})
        _discard_registered_organization(store, org_id)
        org_id = organization_id
    stamp = now_iso(now)
    if org_id:
        org = store.get_node(Label.ORGANIZATION, org_id)
        if org and org.get("pending"):
            store.update_node(Label.ORGANIZATION, org_id, {"pending": None, "updated_at": stamp})
    person_id = account.get("person_id")
    person = store.get_node(Label.PERSON, person_id) if person_id else None
    if person and person.get("pending"):
        store.update_node(Label.PERSON, person_id, {"pending": None, "updated_at": stamp})
    if person and org_id:
        store.upsert_edges(Rel.WORKS_AT, [{"source": person_id, "target": org_id}])
    account = store.update_node(Label.ACCOUNT, account_id, {
        "approved": True, "organization_id": org_id or account.get("organization_id"), CLAIM: None})
    audit(store, actor_id, "account.approve", account_id, account["email"])
    return account


def reject_account(store: GraphStore, account_id: str, actor_id: str) -> dict:
    """Delete a pending account with the pending organisation and person it registered.

    An organisation that another account also points to is kept.
    """
    account = get_account(store, account_id)
    if account is None:
        raise AccountError(_l("This account does not exist (any more)."))
    if account.get("approved"):
        raise AccountError(_l("This account has already been approved."))
    person_id = account.get("person_id")
    if person_id:
        person = store.get_node(Label.PERSON, person_id)
        if person and person.get("pending") and person.get("account_id") == account_id:
            store.delete_node(Label.PERSON, person_id)
    _discard_registered_organization(store, claimed_organization(account))
    store.delete_node(Label.ACCOUNT, account_id)
    audit(store, actor_id, "account.reject", account_id, account["email"])
    return account
