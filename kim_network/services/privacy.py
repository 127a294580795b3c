"""Data-protection rights as plain functions: consent texts, export of my data, account deletion.

Nothing here knows about Flask: the privacy blueprint and the CLI call these functions.
Deletion removes the person from the graph (and so from search, recommendations, the map
and exports, which all read the graph) while anonymised counts stay: introductions keep
their status, the audit log keeps an entry without personal data.
"""
from __future__ import annotations

from datetime import datetime
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from kim_network.core.clock import utcnow
from kim_network.core.errors import Invalid
from kim_network.services import audit
from kim_network.core.messages import msg
from kim_network.core.model import Label
from kim_network.store import GraphStore

EXPORT_FORMAT = "kim-network-personal-data/1"
DELETED = "deleted"  # what an anonymised introduction keeps as its requester

# Every consent version people have agreed to, with the template that holds its text.
# When the privacy notice changes: copy the old text to `privacy/consent_<version>.html`,
# add the new version here and raise CONSENT_VERSION in `kim_network.services.accounts`.
CONSENT_TEXTS = {"2026-01": "privacy.html"}

# Account properties that never leave the server, not even to their owner.
_SECRET_ACCOUNT_PROPS = ("password_hash", "api_token_hash", "reset_token_hash", "reset_expires")


class PrivacyError(Invalid):
    """A request the user can correct; `field` names the form field."""


def consent_template(version: str) -> str | None:
    """The template holding the consent text of `version`, or None for an unknown version."""
    return CONSENT_TEXTS.get(version)


def _all(store: GraphStore, label: Label, filters: dict) -> list[dict]:
    return store.all_nodes(label, filters, order_by="created_at" if label is not Label.ACCOUNT else "id")


def _edges(store: GraphStore, label: Label, node_id: str) -> list[dict]:
    return [
        {"type": e.type, "source_label": e.source_label, "source": e.source,
         "target_label": e.target_label, "target": e.target, **({"props": e.props} if e.props else {})}
        for e in store.edges(label, node_id, direction="both")
    ]


def _audit_subjects(account_id: str, person_ids) -> list[str]:
    """How audit entries name an account and its person (bare id, or `Person <id>` for profile edits)."""
    return [account_id, *person_ids, *(f"{Label.PERSON.value} {p}" for p in person_ids)]


def public_account(account: dict) -> dict:
    """The account as its owner may read it: everything but password and token hashes."""
    return {k: v for k, v in account.items() if k not in _SECRET_ACCOUNT_PROPS}


def _organization_link(store: GraphStore, account: dict) -> dict | None:
    """Which organisation the account belongs to, or asks to join: a reference, not its record."""
    org_id = account.get("organization_id") if account.get("approved") else None
    status = "confirmed"
    if org_id is None:
        org_id, status = account.get("claimed_organization_id") or account.get("organization_id"), "requested"
    org = store.get_node(Label.ORGANIZATION, org_id) if org_id else None
    if org is None:
        return None
    return {"id": org_id, "name": org.get("name"), "status": status}


def export_personal_data(store: GraphStore, account_id: str, now: datetime | None = None) -> dict:
    """Everything stored about one account, as one JSON-ready document (GDPR Art. 15 and 20).

    Holds the account's own data only: the account (without secrets), its person profile
    with that profile's relationships, which organisation it belongs to (or asked to join,
    as a reference: the organisation's record is the organisation's, not the person's),
    the introductions it sent, its feedback and notifications, and the audit entries that
    name the account or its person. Nothing here depends on staff having approved the
    account, so an unapproved account cannot reach other people's records through it.
    """
    account = store.get_node(Label.ACCOUNT, account_id)
    if account is None:
        raise PrivacyError(_l("This account does not exist (any more)."))
    person_id = account.get("person_id")
    person = store.get_node(Label.PERSON, person_id) if person_id else None
    if person is not None and person.get("account_id") not in (None, account_id):
        person = None  # a profile that belongs to another account is not this account's data
    return {
        "format": EXPORT_FORMAT,
        "exported_at": (now or utcnow()).isoformat(timespec="seconds"),
        "account": public_account(account),
        "consent": {"version": account.get("consent_version"), "agreed_at": account.get("consent_at")},
        "person": person,
        "person_relationships": _edges(store, Label.PERSON, person_id) if person else [],
        "organization": _organization_link(store, account),
        "introductions_sent": _all(store, Label.INTRODUCTION, {"requester_account": account_id}),
        "feedback": _all(store, Label.FEEDBACK, {"account": account_id}),
        "notifications": _all(store, Label.NOTIFICATION, {"account": account_id}),
        "audit_entries": audit.about(store, _audit_subjects(account_id, [person_id] if person else [])),
    }


def check_password(account: dict, password: str | None) -> bool:
    return bool(password) and check_password_hash(account.get("password_hash") or "", password)


def delete_account(store: GraphStore, account_id: str, password: str | None) -> dict[str, int]:
    """Delete an account and the person behind it after checking the password.

    Removes the Person node with its relationships, the account's feedback and
    notifications, and the Account node. Introductions the account sent keep their status
    and dates but lose the requester and the message; notifications about them lose the
    name. Audit entries about the account lose their detail. A pending organisation that
    only this account registered is deleted too; other organisations stay. Finally one
    audit entry `account.delete` records counts only.

    The account node goes last, so an interrupted deletion can simply be repeated.
    Returns the counts of what was removed or anonymised.
    """
    account = store.get_node(Label.ACCOUNT, account_id)
    if account is None:
        raise PrivacyError(_l("This account does not exist (any more)."))
    if not check_password(account, password):
        raise PrivacyError(_l("The password is not correct."), "password")
    if account.get("role") == "admin" and account.get("approved"):
        admins = [a for a in _all(store, Label.ACCOUNT, {"role": "admin", "approved": True})]
        if len(admins) <= 1:
            raise PrivacyError(_l("The last administrator account cannot be deleted. Appoint another administrator first."))

    counts = {"introductions_anonymised": 0, "notifications_deleted": 0, "feedback_deleted": 0,
              "people_deleted": 0, "organizations_deleted": 0, "audit_entries_scrubbed": 0}

    sent = _all(store, Label.INTRODUCTION, {"requester_account": account_id})
    links = {f"/introductions/{intro['id']}" for intro in sent}
    for intro in sent:
        store.update_node(Label.INTRODUCTION, intro["id"], {"requester_account": DELETED, "message": None})
        counts["introductions_anonymised"] += 1
    # The recipients were told who asked and what they wrote: keep the notice, drop the person.
    from kim_network.services import introduction_parties as parties

    told = {a["id"]: a for intro in sent for a in parties.recipients(store, intro)}
    if any(parties.route_of(intro) == "staff" for intro in sent):
        told.update({a["id"]: a for a in parties.staff_accounts(store)})
    gone = msg("A contact request (the requesting account has been deleted).")
    for recipient in told.values():
        for note in _all(store, Label.NOTIFICATION, {"account": recipient["id"]}):
            if note.get("link") in links:
                store.update_node(Label.NOTIFICATION, note["id"],
                                  {"text_de": gone.render("de"), "text_en": gone.render("en")})

    for note in _all(store, Label.NOTIFICATION, {"account": account_id}):
        store.delete_node(Label.NOTIFICATION, note["id"])
        counts["notifications_deleted"] += 1
    for feedback in _all(store, Label.FEEDBACK, {"account": account_id}):
        store.delete_node(Label.FEEDBACK, feedback["id"])
        counts["feedback_deleted"] += 1

    person_ids = {account.get("person_id")} - {None}
    person_ids |= {p["id"] for p in _all(store, Label.PERSON, {"account_id": account_id})}
    # Entries about the account (an approval stores the e-mail) keep the action, not the person.
    # Entries it wrote as staff keep their opaque actor id, which no longer leads anywhere.
    subjects = _audit_subjects(account_id, person_ids)
    for entry in audit.about(store, subjects):
        if entry.get("subject") in subjects:
            store.update_node(Label.AUDIT, entry["id"], {"detail": None, "subject": DELETED})
            counts["audit_entries_scrubbed"] += 1
    for person_id in sorted(person_ids):
        if store.delete_node(Label.PERSON, person_id):
            counts["people_deleted"] += 1

    org_id = account.get("organization_id") or account.get("claimed_organization_id")
    if org_id:
        org = store.get_node(Label.ORGANIZATION, org_id)
        others = [a for key in ("organization_id", "claimed_organization_id")
                  for a in _all(store, Label.ACCOUNT, {key: org_id}) if a["id"] != account_id]
        if org and org.get("pending") and not others:
            store.delete_node(Label.ORGANIZATION, org_id)
            counts["organizations_deleted"] += 1

    store.delete_node(Label.ACCOUNT, account_id)
    audit.record(store, "self-service", "account.delete", None,
                 {"accounts_deleted": 1, **counts})
    return counts


def purge_introduction_messages(store: GraphStore, retention_days: int, now: datetime | None = None) -> int:
    """Remove introduction texts older than the retention period (status and dates stay)."""
    from kim_network.services.introduction_upkeep import purge_messages

    if retention_days < 0:
        raise PrivacyError(_l("The retention period must be 0 days or more."), "days")
    return purge_messages(store, retention_days, now)

