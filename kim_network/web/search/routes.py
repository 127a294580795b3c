"""The /search page: a thin view over `search.service`."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from kim_network.web.access import current_viewer
from kim_network.extensions import get_store
from kim_network.web.i18n import current_language
from kim_network.services import search as service
from kim_network.extensions import get_caches

bp = Blueprint("search", __name__)

# Where a "why it matched" excerpt was found, as the result says it.
_WHY_FIELDS = {"description": _l("In its description:"), "keywords": _l("In its keywords:"),
               "name": _l("In its name:"), "short_name": _l("In its name:"), "title": _l("In its title:"),
               "city": _l("In its city:")}


def _url(args: dict, **changes) -> str:
    """The search URL with some arguments changed (None removes one); back to page 1."""
    merged = {k: v for k, v in args.items() if k not in ("page", "lang")}
    merged.update(changes)
    clean = [(k, x) for k, v in merged.items() if v not in (None, "", [])
             for x in (v if isinstance(v, list) else [v])]
    return "/search" + ("?" + urlencode(clean) if clean else "")


@bp.get("/search")
def index():
    args = request.args
    try:
        query = service.parse_query(args, args.getlist)
    except service.BadQuery as exc:
        query = service.SearchQuery(text=(args.get("q") or "")[:500] if exc.field != "q" else "")
        error = exc
    else:
        error = None
    result = service.search(get_store(), current_viewer(), query, current_language(), get_caches().search)
    plain = {k: args.getlist(k) if k == "kind" else args.get(k) for k in args}

    def toggle_kind(kind: str) -> str:
        kinds = list(query.kinds)
        kinds = [k for k in kinds if k != kind] if kind in kinds else kinds + [kind]
        return _url(plain, kind=kinds)

    def page_url(page: int) -> str:
        return _url(plain, page=page)

    return render_template(
        "search/index.html", result=result, query=query, error=error, url=lambda **c: _url(plain, **c),
        toggle_kind=toggle_kind, page_url=page_url, why_fields=_WHY_FIELDS,
    ), (400 if error else 200)
