"""Template globals and filters every page can use (see `kim_network.web` for the list)."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, url_for
from flask_babel import format_date, format_datetime
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from kim_network.core.model import Label
from kim_network.store import StoreError
from kim_network.core.visibility import ANONYMOUS
from kim_network.web.i18n import LANGUAGES, bi, current_language, kind_label, lang_url, region_label


def _safe_account():
    """The logged-in account, or None; None as well when the store cannot be reached."""
    from kim_network.web.access import current_account

    if "_kim_account" not in g:
        try:
            g._kim_account = current_account()
        except StoreError:
            g._kim_account = None
    return g._kim_account


def profile_url(label: Label | str, node_id: str) -> str | None:
    """The page of an organisation or person (None for other labels): the one place that builds it."""
    label = getattr(label, "value", label)
    if label == Label.ORGANIZATION.value:
        return url_for("profiles.organization", org_id=node_id)
    if label == Label.PERSON.value:
        return url_for("profiles.person", person_id=node_id)
    return None


def has_page(path: str) -> bool:
    """Whether the app serves GET `path`, so the shell links only to pages that exist.

    >>> from flask import Flask
    >>> app = Flask("t"); _ = app.add_url_rule("/search", "search", lambda: "")
    >>> with app.app_context(): (has_page("/search"), has_page("/map"))
    (True, False)
    """
    cache = current_app.extensions.setdefault("kim_has_page", {})
    if path not in cache:
        adapter = current_app.url_map.bind("localhost")
        try:
            adapter.match(path, method="GET")
            cache[path] = True
        except RequestRedirect:
            cache[path] = True
        except (NotFound, MethodNotAllowed):
            cache[path] = False
    return cache[path]


def unread_notifications() -> int:
    """Unread notifications of the logged-in account (0 when none or the store is down)."""
    account = _safe_account()
    if account is None:
        return 0
    if account.unread_notifications is not None:  # read with the account
        return account.unread_notifications
    from kim_network.extensions import get_store

    try:
        page = get_store().list_nodes(Label.NOTIFICATION, {"account": account.id, "read": False}, limit=1)
    except StoreError:
        return 0
    return page.total


def _parse(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def date_filter(value, with_time: bool = False) -> str:
    """``{{ node.created_at|date }}``: an ISO date or timestamp in the reader's language."""
    moment = _parse(value)
    if moment is None:
        return str(value or "")
    if with_time:
        return format_datetime(moment, "medium")
    return format_date(moment, "medium")


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def shell_context():
        account = _safe_account()
        viewer = ANONYMOUS
        if account is not None:
            from kim_network.web.access import current_viewer

            try:
                viewer = current_viewer()  # a pending account sees its own new profile
            except StoreError:
                viewer = account.viewer if account.is_approved else ANONYMOUS
        return {
            "account": account,
            "viewer": viewer,
            "locale": current_language(),
            "languages": LANGUAGES,
        }

    app.jinja_env.globals.update(
        bi=bi,
        kind_label=kind_label,
        region_label=region_label,
        lang_url=lang_url,
        has_page=has_page,
        profile_url=profile_url,
        unread_notifications=unread_notifications,
    )
    app.jinja_env.filters["date"] = date_filter
