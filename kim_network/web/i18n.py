"""Language choice (German by default, English on request) and bilingual node fields.

The locale of a request is, in this order: a ``?lang=de|en`` parameter (also kept in the
session cookie), the choice kept in the session, the logged-in account's ``language``,
the browser's ``Accept-Language``, and finally German.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

from flask import current_app, has_request_context, request, session
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

from kim_network.core.messages import KIND_NAMES
from kim_network.store import StoreError

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

def _kind_text(kind: str) -> str:
    return KIND_NAMES[kind].render(current_language())


# Display names for the model's kinds, shared by every form and template (`kind_label(kind)`);
# named once, in `kim_network.core.messages.KIND_NAMES`, for pages, reasons and rules alike.
KIND_LABELS = {kind: LazyString(_kind_text, kind) for kind in KIND_NAMES}


def _account_language() -> str | None:
    from kim_network.web.access import current_account

    try:
        account = current_account()
    except StoreError:
        return None  # the store is down; the error page still needs a language
    return account.language if account is not None else None


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    stored = _account_language()
    if stored in LANGUAGES:
        return stored
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def remember_language_choice() -> None:
    """before_request: keep a `?lang=` choice in the session and on the logged-in account."""
    asked = request.args.get("lang")
    if asked not in LANGUAGES:
        return
    session["lang"] = asked
    from kim_network.web.access import current_account
    from kim_network.extensions import get_store
    from kim_network.core.model import Label

    account = current_account()
    if account is not None and account.language != asked:
        get_store().update_node(Label.ACCOUNT, account.id, {"language": asked})
        account.node["language"] = asked


def current_language() -> str:
    """``"de"`` or ``"en"`` for the current request."""
    locale = get_locale()
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def bi(node: Mapping[str, Any] | None, field: str, language: str | None = None) -> str:
    """A bilingual field in the current language, falling back to the other one.

    ``bi(org, "description")`` reads ``description_de`` or ``description_en``; ``bi(skill,
    "label")`` reads ``label_de``/``label_en``. A plain ``field`` is the last fallback.
    """
    if not node:
        return ""
    language = language or current_language()
    for lang in (language, *[code for code in LANGUAGES if code != language]):
        value = node.get(f"{field}_{lang}")
        if value:
            return value
    return node.get(field) or ""


def kind_label(kind: str | None) -> str:
    """The translated name of an organisation or person kind (the raw value if unknown)."""
    if not kind:
        return ""
    return _kind_text(kind) if kind in KIND_NAMES else kind



def region_label(code: str | None) -> str:
    """The name of a NUTS region or country in the page's language (Eurostat's table)."""
    from kim_network.core.regions import region_name

    return region_name(code, current_language()) if code else ""


def lang_url(language: str) -> str:
    """The current page's URL with ``lang=<language>`` (other query parameters kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return f"{request.path}?{urlencode(args, doseq=True)}"

