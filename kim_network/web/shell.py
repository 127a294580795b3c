"""The web shell: i18n, CSRF, login, security headers, error pages and template helpers.

`init_web(app)` binds all of it in the factory (no database is touched). Contracts for
feature blueprints:

- Add a feature's blueprint to `register_blueprints` below; `create_app` calls it after `init_web(app)`.
- Templates extend ``base.html`` (blocks ``title``, ``content``, optional ``head``) and
  import form macros with ``{% from "_macros.html" import field, checkbox, radios,
  csrf_input, post_button %}``.
- Template globals: ``account`` (the logged-in `AccountUser` or None; use it rather than
  ``current_user``, it never raises when the store is down), ``viewer`` (the request's
  `Viewer`), ``locale`` (``"de"``/``"en"``), ``bi(node, "description")``, ``kind_label(kind)``,
  ``lang_url(code)``, ``has_page(path)``, ``csrf_token()``, ``_()``/``ngettext()``;
  filter ``|date`` for ISO timestamps. See `kim_network.web.templating`.
- Guards and the viewer: `kim_network.web.access` (``member_required``, ``staff_required``,
  ``admin_required``, ``login_required``, ``current_viewer()``).
- Every POST form carries a CSRF token (app-wide `CSRFProtect`). A JSON API blueprint calls
  `csrf_exempt_token_requests(bp)` once to exempt requests that carry a bearer token.
- Errors: raise `StoreUnavailable`, `ValidationError`, `InvalidQuery`, `NotFound` or
  ``abort(code)``; the handlers render a page, or ``{"error": {"status", "message"}}`` under
  ``/api/``. See `kim_network.web.errors`.

Translations: write msgids in English with ``_()``/``gettext``/``lazy_gettext``, then run
``.venv/bin/python -m kim_network.web.i18n_tools`` (extract, update, fill English, compile;
it lists German entries still to translate in
``kim_network/translations/de/LC_MESSAGES/messages.po``).
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Flask, flash, redirect, request, url_for
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def init_web(app: Flask) -> None:
    """Install babel, CSRF, the login manager, headers, error handlers and template helpers."""
    from kim_network.web import access, errors, i18n, security, templating

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "de")
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)

    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.login"
    login_manager.user_loader(access.load_session_user)
    login_manager.request_loader(access.load_token_user)
    login_manager.unauthorized_handler(_unauthorized)

    app.before_request(i18n.remember_language_choice)
    app.before_request(access.keep_session_fresh)
    app.before_request(_warm_up)
    app.after_request(security.set_security_headers)
    errors.register_error_handlers(app)
    templating.register_template_helpers(app)


def _warm_up() -> None:
    from flask import current_app

    from kim_network.extensions import start_warm_up

    start_warm_up(current_app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature; each package's `bp` with its routes."""
    from kim_network.web import (auth, calls, ecosystem_map, events, health, introductions, pages, privacy,
                                 profiles, recommendations, search, staff_analytics)

    for feature in (health, pages, auth, privacy, profiles, recommendations, calls, search, introductions,
                    ecosystem_map, staff_analytics, events):
        app.register_blueprint(feature.bp)


def _unauthorized():
    """Not logged in: JSON 401 under /api/, otherwise a redirect to the login page."""
    from kim_network.web.access import is_api_request
    from kim_network.web.errors import error_response

    if is_api_request():
        return error_response(401, _l("Please log in or send an API token."))
    flash(_l("Please log in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def csrf_exempt_token_requests(bp: Blueprint, has_token: Callable[[], bool] | None = None) -> None:
    """Exempt a blueprint's requests that carry an API token from CSRF; keep it for all others.

    Call once before registering the blueprint. Requests with ``Authorization: Bearer``
    are authenticated by the token only (see `kim_network.web.access`), which a browser
    cannot add cross-site, so they need no CSRF token; cookie-authenticated requests to the
    same blueprint still do.
    """
    from flask import current_app

    from kim_network.web.access import bearer_token

    check = has_token or (lambda: bearer_token() is not None)
    csrf.exempt(bp)

    @bp.before_request
    def _csrf_unless_token():
        if current_app.config.get("WTF_CSRF_ENABLED", True) and not check():
            csrf.protect()
