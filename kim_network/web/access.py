"""Who is asking: the logged-in account, its Viewer, and the decorators that guard views.

Contracts for every blueprint:

- ``login_required`` (Flask-Login's) / ``account_required``: any logged-in account, approved or
  not; an unapproved one sees through a pending viewer (its own new profile, public ones).
- ``member_required``: an approved account of any role (member, staff, admin).
- ``staff_required``: an approved staff or admin account.
- ``admin_required``: an approved admin account.

A visitor who is not logged in is redirected to ``/login?next=...``; under ``/api/`` the
answer is JSON ``401`` instead. A logged-in account without the role gets ``403`` (a page,
or JSON under ``/api/``); an unapproved account is told that it awaits approval.

``current_viewer()`` is the `kim_network.core.visibility.Viewer` to filter everything a request
shows: anonymous for visitors, ``pending`` for unapproved accounts (public profiles plus the
ones its own registration created, see `kim_network.services.registration.pending_viewer`).
It is the one place that turns
an account into the rights of its organisation, and it trusts only the account's
staff-confirmed `organization_id` (a registration's claim is `claimed_organization_id`,
see `kim_network.services.registration`).

Sessions: every request re-reads the account and checks the session's fingerprint (the
password hash and the account's `session_generation`), so a new password or a logout
(`end_session(everywhere=True)`) ends every copy of the session cookie at once. A session
also ends after PERMANENT_SESSION_LIFETIME without a request (KIM_SESSION_HOURS).

Under ``/api/`` a request with ``Authorization: Bearer <token>`` is authenticated by that
API token alone (the session cookie is ignored for it), so the CSRF exemption for such
requests (`kim_network.web.shell.csrf_exempt_token_requests`) cannot be abused by a browser.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user, logout_user

from kim_network.extensions import get_store
from kim_network.store import StoreUnavailable
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.services import accounts as service, registration

ROLE_RANK = {"member": 1, "staff": 2, "admin": 3}


class AccountUser(UserMixin):
    """The Flask-Login user: a read-only view of one Account node.

    `node` holds the Account's properties; the attributes below are the ones views need.
    """

    def __init__(self, node: dict, unread_notifications: int | None = None):
        self.node = dict(node)
        # Read with the account in one store call for session logins (None: not read).
        self.unread_notifications = unread_notifications

    @property
    def id(self) -> str:  # noqa: A003 - Flask-Login's name
        return self.node["id"]

    @property
    def email(self) -> str:
        return self.node["email"]

    @property
    def name(self) -> str:
        return self.node.get("name") or self.node["email"]

    @property
    def role(self) -> str:
        return self.node.get("role") or "member"

    @property
    def organization_id(self) -> str | None:
        return self.node.get("organization_id")

    @property
    def person_id(self) -> str | None:
        return self.node.get("person_id")

    @property
    def language(self) -> str | None:
        return self.node.get("language")

    @property
    def is_approved(self) -> bool:
        return bool(self.node.get("approved"))

    def has_role(self, role: str) -> bool:
        """Approved and at least `role` (member < staff < admin)."""
        return self.is_approved and ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]

    @property
    def viewer(self) -> Viewer:
        # Unapproved: what anyone sees (their own details are on /account and in the export).
        if not self.is_approved:
            return ANONYMOUS
        return Viewer(
            role=self.role,
            account_id=self.id,
            organization_id=self.organization_id,
            person_id=self.person_id,
        )

    def get_id(self) -> str:
        # The fingerprint of the password hash ends every session when the password changes.
        return f"{self.id}:{service.session_fingerprint(self.node)}"


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header, if the request has one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _read_account(read: Callable) -> dict | None:
    """Read from the store; when it is down, note that for this request and re-raise.

    The error page for StoreUnavailable renders templates that ask for the user again;
    the note makes that second ask anonymous instead of failing (or waiting) once more.
    """
    try:
        return read(get_store())
    except StoreUnavailable:
        g._kim_store_down = True
        raise


def load_session_user(user_id: str) -> AccountUser | None:
    """Flask-Login user loader: the session's account, if it still exists with the same password."""
    if is_api_request() and bearer_token() is not None:
        return None  # token requests are authenticated by the token alone
    account_id, _, fingerprint = (user_id or "").partition(":")
    if not account_id or g.get("_kim_store_down"):
        return None
    # One read brings the account and what every page's header shows (unread notifications).
    view = _read_account(lambda store: store.account_view(account_id))
    if view is None or not service.fingerprint_matches(view.node, fingerprint):
        return None
    return AccountUser(view.node, view.unread_notifications)


def load_token_user(req) -> AccountUser | None:
    """Flask-Login request loader: API token authentication, only under /api/."""
    if not is_api_request():
        return None
    token = bearer_token()
    if token is None or g.get("_kim_store_down"):
        return None
    node = _read_account(lambda store: service.account_for_api_token(store, token))
    return AccountUser(node) if node else None


def keep_session_fresh() -> None:
    """before_request: re-sign a logged-in session, so it expires only after a whole
    PERMANENT_SESSION_LIFETIME without requests (the cookie itself ends with the browser)."""
    if "_user_id" in session:
        session.modified = True


def end_session(everywhere: bool = False) -> None:
    """Log out this session (keeping the language choice); with `everywhere`, every other
    session of the account ends too, including copies of this session's cookie."""
    account = current_account()
    if everywhere and account is not None:
        service.end_sessions(get_store(), account.id)
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def current_account() -> AccountUser | None:
    """The logged-in AccountUser (approved or not), or None."""
    return current_user if current_user.is_authenticated else None


def current_viewer() -> Viewer:
    """The Viewer for this request: the account's role if approved, a pending viewer while it
    awaits approval (its own new profile and public ones), else anonymous."""
    viewer = g.get("_kim_viewer")
    if viewer is None:
        account = current_account()
        if account is None:
            viewer = ANONYMOUS
        elif not account.is_approved:
            viewer = registration.pending_viewer(get_store(), account.node)
        else:
            viewer = account.viewer
        g._kim_viewer = viewer
    return viewer


def _require(role: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.is_approved:
                abort(403, description=_l("Your account is waiting for approval by the KI.M team."))
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def account_required(view: Callable) -> Callable:
    """Any logged-in account, approved or still waiting for approval (pages that work for both)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


member_required = _require("member")
staff_required = _require("staff")
admin_required = _require("admin")
member_required.__doc__ = "Allow approved accounts of any role."
staff_required.__doc__ = "Allow approved staff and admin accounts."
admin_required.__doc__ = "Allow approved admin accounts."
