"""Account logic: registration, approval, login with lockout, password policy, reset and API tokens.

Plain functions over a `GraphStore`; no Flask request objects, so the CLI, the web
routes and the JSON API share them. User-facing messages are lazy translations and are
rendered in whatever language is active when they are shown.

Accounts are `Account` nodes (see `kim_network.core.model`). E-mail addresses are stored in
lower case. Only hashes of passwords, reset tokens and API tokens are stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from kim_network.core.clock import now_iso, parse_iso, utcnow
from kim_network.core.errors import Invalid
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, ROLES, Label, Rel
from kim_network.core.visibility import Viewer
from kim_network.store import GraphStore, InvalidQuery

CONSENT_VERSION = "2026-01"
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
RESET_TOKEN_HOURS = 1
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# werkzeug's scrypt (n=2**15): about 0.1 s per hash on purpose. Test fixtures lower it.
PASSWORD_HASH_METHOD = "scrypt"

# A short list of passwords that meet the length rule and are still guessed first.
COMMON_PASSWORDS = frozenset(
    {
        "password1!", "password12", "password123", "passwort12", "passwort123", "passwort1!",
        "1234567890", "123456789a", "a123456789", "abc1234567", "abcdefg123", "qwertz1234",
        "qwerty1234", "qwertzuiop1", "qwertyuiop1", "iloveyou12", "letmein123", "welcome123",
        "willkommen1", "willkommen123", "hallo12345", "hallo123456", "geheim1234", "geheim123!",
        "sommer2024", "sommer2025", "sommer2026", "winter2025", "fussball12", "fußball123",
        "schatz1234", "bayern1234", "muenchen123", "münchen123", "changeme123", "admin12345",
        "administrator1", "kimnetzwerk1", "ki.m-netzwerk", "netzwerk123", "test123456",
    }
)


class AccountError(Invalid):
    """A request about an account cannot be carried out; `field` names the form field."""


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


# -- passwords ---------------------------------------------------------------------


def password_problems(password: str, email: str | None = None) -> list:
    """What is wrong with a new password, as messages for the user (empty when it is fine).

    >>> [str(m) for m in password_problems("kurz")]
    ['Use at least 10 characters.', 'Use letters and at least one digit or symbol.']
    >>> password_problems("Redaktion-Nord-7")
    []
    """
    problems = []
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_l("Use at least 10 characters."))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_l("Use at most 200 characters."))
    has_letter = any(c.isalpha() for c in password)
    has_other = any(not c.isalpha() and not c.isspace() for c in password)
    if not (has_letter and has_other):
        problems.append(_l("Use letters and at least one digit or symbol."))
    folded = password.strip().casefold()
    email = normalise_email(email)
    if email and folded in (email, email.split("@")[0]):
        problems.append(_l("The password must not be your e-mail address."))
    if folded in COMMON_PASSWORDS:
        problems.append(_l("This password is too common. Please choose another one."))
    return problems


def hash_password(password: str) -> str:
    """A salted hash, scrypt unless PASSWORD_HASH_METHOD says otherwise."""
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


_dummy_hash: str | None = None


def _spend_hash_time(password: str) -> None:
    """Check a password against a throw-away hash so unknown e-mails take as long as known ones."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_hex(16), method=PASSWORD_HASH_METHOD)
    check_password_hash(_dummy_hash, password)


def session_fingerprint(account: dict) -> str:
    """A short digest of the password hash: sessions carry it, so a new password ends old sessions."""
    return hashlib.sha256((account.get("password_hash") or "").encode("utf-8")).hexdigest()[:16]


def fingerprint_matches(account: dict, fingerprint: str) -> bool:
    return hmac.compare_digest(session_fingerprint(account), fingerprint or "")


# -- lookups -----------------------------------------------------------------------


def find_account_by_email(store: GraphStore, email: str | None) -> dict | None:
    email = normalise_email(email)
    if not email:
        return None
    page = store.list_nodes(Label.ACCOUNT, {"email": email}, limit=1)
    return page.items[0] if page.items else None


def get_account(store: GraphStore, account_id: str) -> dict | None:
    return store.get_node(Label.ACCOUNT, account_id)


def find_organization_by_name(store: GraphStore, name: str) -> dict | None:
    """The one organisation called `name` (case-insensitive), following merges.

    Raises AccountError when several organisations carry the name.
    """
    wanted = (name or "").strip().casefold()
    if not wanted:
        return None
    found: dict[str, dict] = {}
    for node in store.list_nodes(Label.ORGANIZATION, {"name": name.strip()}, limit=20).items:
        found[node["id"]] = node
    if not found:
        try:
            hits, _total = store.search(name, labels=[Label.ORGANIZATION], limit=50)
        except InvalidQuery:
            hits = []
        for hit in hits:
            if (hit.node.get("name") or "").strip().casefold() == wanted:
                found[hit.id] = hit.node
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
    if len(resolved) > 1:
        raise AccountError(
            _l("Several organisations carry this name. Please contact the KI.M team."),
            "organization_name",
        )
    return next(iter(resolved.values()), None)


# -- creating accounts ---------------------------------------------------------------


def create_account(
    store: GraphStore,
    email: str,
    password: str,
    *,
    name: str | None = None,
    role: str = "member",
    organization_id: str | None = None,
    person_id: str | None = None,
    approved: bool = False,
    language: str | None = None,
    consent_version: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Create an Account node after checking the e-mail, the password policy and the role.

    Raises AccountError (field `email`, `password` or `role`) and stores nothing then.
    """
    now = now or utcnow()
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > 254:
        raise AccountError(_l("Please enter a valid e-mail address."), "email")
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems[0], "password")
    if role not in ROLES:
        raise AccountError(_l("Unknown role."), "role")
    if find_account_by_email(store, email) is not None:
        raise AccountError(
            _l("An account with this e-mail address already exists. Forgot your password?"),
            "email",
        )
    props = {
        "id": _new_id("acc"),
        "email": email,
        "password_hash": hash_password(password),
        "name": (name or "").strip() or None,
        "role": role,
        "organization_id": organization_id,
        "person_id": person_id,
        "approved": bool(approved),
        "language": language if language in ("de", "en") else None,
        "created_at": now_iso(now),
        "failed_logins": 0,
    }
    if consent_version:
        props["consent_version"] = consent_version
        props["consent_at"] = now_iso(now)
    return store.create_node(Label.ACCOUNT, {k: v for k, v in props.items() if v is not None})


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
) -> dict:
    """Self-registration: an unapproved account, joined to an existing or a new organisation.

    A new organisation, and the person when `person_kind` is given, are created with
    `pending: True` and `visibility: members`; staff approval clears `pending`. Every
    check runs before the first write, so a rejected registration stores nothing.
    """
    now = now or utcnow()
    name = (name or "").strip()
    organization_name = (organization_name or "").strip()
    if not name:
        raise AccountError(_l("Please enter your name."), "name")
    if not organization_name:
        raise AccountError(_l("Please enter the name of your organisation."), "organization_name")
    if person_kind and person_kind not in PERSON_KINDS:
        raise AccountError(_l("Please choose one of the listed options."), "person_kind")
    email = normalise_email(email)
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems[0], "password")
    if find_account_by_email(store, email) is not None:
        raise AccountError(
            _l("An account with this e-mail address already exists. Forgot your password?"),
            "email",
        )
    if new_organization:
        if organization_kind not in ORG_KINDS:
            raise AccountError(_l("Please choose the kind of organisation."), "organization_kind")
        if not (organization_city or "").strip():
            raise AccountError(_l("Please enter the city."), "organization_city")
        if find_organization_by_name(store, organization_name) is not None:
            # Duplicates are the commonest data problem of such networks; join instead.
            raise AccountError(
                _l("An organisation with this name is already registered. Choose “Yes, it is already registered” to join it."),
                "organization_name",
            )
        organization = None
    else:
        organization = find_organization_by_name(store, organization_name)
        if organization is None:
            raise AccountError(
                _l("No organisation with this name is registered yet. Check the spelling or create it as a new organisation."),
                "organization_name",
            )

    stamp = now_iso(now)
    account_id = _new_id("acc")
    if organization is None:
        organization = store.create_node(
            Label.ORGANIZATION,
            {
                "id": _new_id("org"),
                "name": organization_name,
                "kind": organization_kind,
                "city": organization_city.strip(),
                "visibility": "members",
                "source": "registration",
                "created_at": stamp,
                "updated_at": stamp,
                "pending": True,
                "registered_by": account_id,  # its registrant may build the profile before approval
            },
        )
    person = None
    if person_kind:
        person = store.create_node(
            Label.PERSON,
            {
                "id": _new_id("person"),
                "name": name,
                "kind": person_kind,
                "email": email,
                "email_visibility": "members",
                "visibility": "members",
                "source": "registration",
                "created_at": stamp,
                "updated_at": stamp,
                "pending": True,
                "account_id": account_id,
            },
        )
        store.upsert_edges(Rel.WORKS_AT, [{"source": person["id"], "target": organization["id"]}])
    return store.create_node(
        Label.ACCOUNT,
        {
            "id": account_id,
            "email": email,
            "password_hash": hash_password(password),
            "name": name,
            "role": "member",
            "organization_id": organization["id"],
            "approved": False,
            "language": language if language in ("de", "en") else None,
            "consent_version": CONSENT_VERSION,
            "consent_at": stamp,
            "created_at": stamp,
            "failed_logins": 0,
            **({"person_id": person["id"]} if person else {}),
        },
    )


def pending_viewer(store: GraphStore, account: dict) -> Viewer:
    """The Viewer of an account waiting for approval.

    It sees only public profiles, plus the organisation and person that its own
    registration created, so it can build its profile (skills, needs, offers) while staff
    check it. An existing organisation it claimed is not its own until staff approve.
    """
    org_id = person_id = None
    org = store.get_node(Label.ORGANIZATION, account["organization_id"]) if account.get("organization_id") else None
    if org and org.get("pending") and org.get("registered_by") == account["id"]:
        org_id = org["id"]
    person = store.get_node(Label.PERSON, account["person_id"]) if account.get("person_id") else None
    if person and person.get("pending") and person.get("account_id") == account["id"]:
        person_id = person["id"]
    return Viewer(role="pending", account_id=account["id"], organization_id=org_id, person_id=person_id)


# -- approval --------------------------------------------------------------------------


def pending_accounts(store: GraphStore, limit: int = 200) -> list[dict]:
    """Accounts waiting for approval, oldest first, each with its `organization` and `person`."""
    accounts = store.list_nodes(Label.ACCOUNT, {"approved": False}, order_by="created_at", limit=limit).items
    orgs = store.get_nodes(Label.ORGANIZATION, [a["organization_id"] for a in accounts if a.get("organization_id")])
    people = store.get_nodes(Label.PERSON, [a["person_id"] for a in accounts if a.get("person_id")])
    return [
        {**a, "organization": orgs.get(a.get("organization_id")), "person": people.get(a.get("person_id"))}
        for a in accounts
    ]


def _audit(store: GraphStore, actor: str, action: str, subject: str, detail: str, now: datetime) -> None:
    store.create_node(
        Label.AUDIT,
        {
            "id": _new_id("audit"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": detail,
            "created_at": now_iso(now),
        },
    )


def approve_account(store: GraphStore, account_id: str, actor_id: str, now: datetime | None = None) -> dict:
    """Approve an account and publish (clear `pending` on) its organisation and person."""
    now = now or utcnow()
    account = get_account(store, account_id)
    if account is None:
        raise AccountError(_l("This account does not exist (any more)."))
    org_id, person_id = account.get("organization_id"), account.get("person_id")
    if org_id:
        org = store.get_node(Label.ORGANIZATION, org_id)
        if org and org.get("pending"):
            store.update_node(Label.ORGANIZATION, org_id, {"pending": None, "updated_at": now_iso(now)})
    if person_id:
        person = store.get_node(Label.PERSON, person_id)
        if person and person.get("pending"):
            store.update_node(Label.PERSON, person_id, {"pending": None, "updated_at": now_iso(now)})
    account = store.update_node(Label.ACCOUNT, account_id, {"approved": True})
    _audit(store, actor_id, "account.approve", account_id, account["email"], now)
    return account


def reject_account(store: GraphStore, account_id: str, actor_id: str, now: datetime | None = None) -> dict:
    """Delete a pending account with the pending organisation and person it registered.

    An organisation that another account also points to is kept.
    """
    now = now or utcnow()
    account = get_account(store, account_id)
    if account is None:
        raise AccountError(_l("This account does not exist (any more)."))
    if account.get("approved"):
        raise AccountError(_l("This account has already been approved."))
    person_id, org_id = account.get("person_id"), account.get("organization_id")
    if person_id:
        person = store.get_node(Label.PERSON, person_id)
        if person and person.get("pending") and person.get("account_id") == account_id:
            store.delete_node(Label.PERSON, person_id)
    if org_id:
        org = store.get_node(Label.ORGANIZATION, org_id)
        others = store.list_nodes(Label.ACCOUNT, {"organization_id": org_id}, limit=2).total
        if org and org.get("pending") and others <= 1:
            store.delete_node(Label.ORGANIZATION, org_id)
    store.delete_node(Label.ACCOUNT, account_id)
    _audit(store, actor_id, "account.reject", account_id, account["email"], now)
    return account


# -- login -----------------------------------------------------------------------------


def is_locked(account: dict, now: datetime | None = None) -> bool:
    until = parse_iso(account.get("locked_until"))
    return until is not None and until > (now or utcnow())


def authenticate(store: GraphStore, email: str, password: str, now: datetime | None = None) -> dict | None:
    """The account for these credentials, or None.

    The fifth failed attempt in a row locks the account for 15 minutes; while locked even
    the right password is refused. Callers must show one message for every refusal, so
    nobody learns whether an address has an account or is locked.
    """
    now = now or utcnow()
    account = find_account_by_email(store, email)
    if account is None:
        _spend_hash_time(password or "")
        return None
    if is_locked(account, now):
        _spend_hash_time(password or "")
        return None
    if check_password_hash(account["password_hash"], password or ""):
        if account.get("failed_logins") or account.get("locked_until"):
            account = store.update_node(Label.ACCOUNT, account["id"], {"failed_logins": 0, "locked_until": None})
        return account
    failures = int(account.get("failed_logins") or 0) + 1
    if failures >= MAX_FAILED_LOGINS:
        changes = {"failed_logins": 0, "locked_until": now_iso(now + timedelta(minutes=LOCK_MINUTES))}
    else:
        changes = {"failed_logins": failures}
    store.update_node(Label.ACCOUNT, account["id"], changes)
    return None


def set_password(store: GraphStore, account_id: str, password: str) -> dict:
    """Replace the password (policy-checked); clears lockout, any reset token and the API token.

    A new password ends every session (see `session_fingerprint`); the API token goes too,
    so a token minted from a stolen session does not outlive the password change.
    """
    account = get_account(store, account_id)
    if account is None:
        raise AccountError(_l("This account does not exist (any more)."))
    problems = password_problems(password, account["email"])
    if problems:
        raise AccountError(problems[0], "password")
    return store.update_node(
        Label.ACCOUNT,
        account_id,
        {
            "password_hash": hash_password(password),
            "failed_logins": 0,
            "locked_until": None,
            "reset_token_hash": None,
            "reset_expires": None,
            "api_token_hash": None,
        },
    )


# -- password reset ----------------------------------------------------------------------


def start_password_reset(store: GraphStore, email: str, now: datetime | None = None) -> tuple[dict, str] | None:
    """Issue a one-time reset token valid for an hour: `(account, token)`, or None for unknown e-mails.

    Only the token's SHA-256 is stored; a new request replaces an older token.
    """
    now = now or utcnow()
    account = find_account_by_email(store, email)
    if account is None:
        return None
    token = secrets.token_urlsafe(32)
    account = store.update_node(
        Label.ACCOUNT,
        account["id"],
        {"reset_token_hash": _token_hash(token), "reset_expires": now_iso(now + timedelta(hours=RESET_TOKEN_HOURS))},
    )
    return account, token


def account_for_reset_token(store: GraphStore, token: str, now: datetime | None = None) -> dict | None:
    """The account a reset token belongs to, if the token is known and has not expired."""
    if not token or len(token) > 200:
        return None
    page = store.list_nodes(Label.ACCOUNT, {"reset_token_hash": _token_hash(token)}, limit=1)
    if not page.items:
        return None
    account = page.items[0]
    expires = parse_iso(account.get("reset_expires"))
    if expires is None or expires <= (now or utcnow()):
        return None
    return account


def finish_password_reset(store: GraphStore, token: str, password: str, now: datetime | None = None) -> dict:
    """Set a new password with a reset token; the token is used up."""
    account = account_for_reset_token(store, token, now)
    if account is None:
        raise AccountError(_l("This link is invalid or has expired. Please request a new one."))
    return set_password(store, account["id"], password)


# -- API tokens ---------------------------------------------------------------------------


def issue_api_token(store: GraphStore, account_id: str) -> str:
    """Create (or replace) the account's API token; the token is shown once and only its hash kept."""
    token = "kim_" + secrets.token_urlsafe(32)
    store.update_node(Label.ACCOUNT, account_id, {"api_token_hash": _token_hash(token)})
    return token


def revoke_api_token(store: GraphStore, account_id: str) -> None:
    store.update_node(Label.ACCOUNT, account_id, {"api_token_hash": None})


def account_for_api_token(store: GraphStore, token: str | None) -> dict | None:
    if not token or len(token) > 200:
        return None
    page = store.list_nodes(Label.ACCOUNT, {"api_token_hash": _token_hash(token)}, limit=1)
    return page.items[0] if page.items else None
