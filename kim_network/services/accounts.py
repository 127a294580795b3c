"""Account logic: login with lockout, sessions, password policy, reset and API tokens.

Registration and its review by staff are in `kim_network.services.registration`.

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

from kim_network.core import fields
from kim_network.core.clock import now_iso, parse_iso, utcnow
from kim_network.core.errors import Invalid
from kim_network.core.model import ROLES, Label
from kim_network.services.limits import ACCOUNT_FAILURES
from kim_network.store import GraphStore

CONSENT_VERSION = "2026-01"
MAX_FAILED_LOGINS = ACCOUNT_FAILURES.limit  # within 15 minutes
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


def spend_hash_time(password: str) -> None:
    """Check a password against a throw-away hash so unknown e-mails take as long as known ones."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_hex(16), method=PASSWORD_HASH_METHOD)
    check_password_hash(_dummy_hash, password)


def session_fingerprint(account: dict) -> str:
    """A short digest of the password hash and the session generation, carried by every session.

    A new password or a higher `session_generation` (logout) changes it, and every
    session that carries the old one is refused from its next request on.
    """
    secret = f"{account.get('password_hash') or ''}:{int(account.get('session_generation') or 0)}"
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def fingerprint_matches(account: dict, fingerprint: str) -> bool:
    return hmac.compare_digest(session_fingerprint(account), fingerprint or "")


def end_sessions(store: GraphStore, account_id: str) -> None:
    """End every session of the account, on every device (logout): raise its session generation."""
    account = get_account(store, account_id)
    if account is not None:
        store.update_node(Label.ACCOUNT, account_id,
                          {"session_generation": int(account.get("session_generation") or 0) + 1})


# -- lookups -----------------------------------------------------------------------


def find_account_by_email(store: GraphStore, email: str | None) -> dict | None:
    email = normalise_email(email)
    if not email:
        return None
    page = store.list_nodes(Label.ACCOUNT, {"email": email}, limit=1)
    return page.items[0] if page.items else None


def get_account(store: GraphStore, account_id: str) -> dict | None:
    return store.get_node(Label.ACCOUNT, account_id)


# -- creating accounts ---------------------------------------------------------------


def check_credentials(email: str, password: str) -> None:
    """Raise AccountError (field `email` or `password`) unless the address is valid and the
    password meets the policy."""
    try:
        fields.check("email", email)
    except fields.FieldError:
        raise AccountError(_l("Please enter a valid e-mail address."), "email") from None
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems[0], "password")


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
    check_credentials(email, password)
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
    }
    if consent_version:
        props["consent_version"] = consent_version
        props["consent_at"] = now_iso(now)
    return store.create_node(Label.ACCOUNT, {k: v for k, v in props.items() if v is not None})


# -- login -----------------------------------------------------------------------------


def is_locked(account: dict, now: datetime | None = None) -> bool:
    until = parse_iso(account.get("locked_until"))
    return until is not None and until > (now or utcnow())


def authenticate(store: GraphStore, email: str, password: str, now: datetime | None = None) -> dict | None:
    """The account for these credentials, or None.

    The fifth failed attempt within 15 minutes locks the account for 15 minutes; while
    locked even the right password is refused. Failures are counted in the store with one
    atomic statement (`limits.ACCOUNT_FAILURES`), so simultaneous guesses cannot slip
    through, and they decay after 15 minutes. Callers must show one message for every
    refusal, so nobody learns whether an address has an account or is locked.
    """
    now = now or utcnow()
    account = find_account_by_email(store, email)
    if account is None or is_locked(account, now):
        spend_hash_time(password or "")
        return None
    if check_password_hash(account["password_hash"], password or ""):
        ACCOUNT_FAILURES.reset(store, account["id"], now)
        if account.get("failed_logins") or account.get("locked_until"):
            account = store.update_node(Label.ACCOUNT, account["id"], {"failed_logins": None, "locked_until": None})
        return account
    if ACCOUNT_FAILURES.add(store, account["id"], 1, now) >= MAX_FAILED_LOGINS:
        store.update_node(Label.ACCOUNT, account["id"],
                          {"locked_until": now_iso(now + timedelta(minutes=LOCK_MINUTES))})
        ACCOUNT_FAILURES.reset(store, account["id"], now)
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
            "failed_logins": None,
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
