"""GET /api/v1/search, and the search-result serialisers that the organisation and people lists share."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.registry import Param
from kim_network.api.schemas import KIND, PAGE, PER_PAGE, Q, REGION, SKILL, SME, ref
from kim_network.core.model import REGIERUNGSBEZIRKE, Label
from kim_network.extensions import get_caches, get_store
from kim_network.services import search as search_service
from kim_network.web.i18n import current_language
from kim_network.web.templating import profile_url


def summary(item: search_service.Result) -> dict:
    node = item.node
    is_org = item.label is Label.ORGANIZATION
    region = node.get("region")
    return {
        "id": item.id,
        "type": "organization" if is_org else "person",
        "name": item.name,
        "kind": node.get("kind"),
        "sme": node.get("sme") if is_org else None,
        "city": node.get("city"),
        "region": region,
        "region_name": REGIERUNGSBEZIRKE.get(region or "", region),
        "skills": [{"id": sid, "name": name} for sid, name in item.skills],
        "url": profile_url(item.label, item.id),
    }


def page_json(result: search_service.SearchResult, facets: bool = False) -> dict:
    out = {
        "items": [summary(i) for i in result.items],
        "total": result.total,
        "page": result.query.page,
        "per_page": result.query.per_page,
        "pages": result.pages,
    }
    if facets:
        out["facets"] = {name: [f.__dict__ for f in values] for name, values in result.facets.items()}
    return out


def search_query(args: dict, type_: str | None = None) -> search_service.SearchQuery:
    return search_service.SearchQuery(
        text=args.get("q") or "", kinds=tuple(args.get("kind") or ()), skill=args.get("skill"),
        region=args.get("region"), sme=args.get("sme"), type=type_ or args.get("type"),
        page=args.get("page") or 1, per_page=args.get("per_page") or 20,
    )


@api.endpoint("GET", "/search", summary="Search organisations and people with facets", tag="search",
              params=(Q, Param("type", {"type": "string", "enum": ["organization", "person"]},
                               "Only organisations or only people."), KIND, SKILL, REGION, SME, PAGE, PER_PAGE),
              response=ref("SearchResult"))
def search(args, viewer):
    """Without `q`, every visible member alphabetically. Facet counts include only what the caller may see."""
    result = search_service.search(get_store(), viewer, search_query(args), current_language(), get_caches().search)
    return page_json(result, facets=True)
