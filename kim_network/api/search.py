"""GET /api/v1/search, and the search-result serialisers that the organisation and people lists share."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.registry import Param
from kim_network.api.schemas import KIND, PAGE, PER_PAGE, Q, REGION, SKILL, SME, ref
from kim_network.core.model import Label
from kim_network.core.regions import region_name
from kim_network.extensions import get_caches, get_store
from kim_network.services import search as search_service
from kim_network.web.i18n import current_language
from kim_network.web.templating import profile_url


def _why(why: search_service.Why | None) -> dict | None:
    if why is None:
        return None
    return {k: v for k, v in why.__dict__.items() if v not in (None, "", False) or k in ("kind", "related")}


def summary(item: search_service.Result) -> dict:
    node = item.node
    if item.label is Label.PROJECT:
        return {
            "id": item.id, "type": "project", "name": item.name, "acronym": node.get("acronym"),
            "signed_date": node.get("signed_date"), "participants": item.projects,
            "skills": [{"id": sid, "name": name} for sid, name in item.skills],
            "score": item.score, "why": _why(item.why),
            "url": f"https://cordis.europa.eu/project/id/{item.id}" if node.get("source") == "cordis" else None,
        }
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
        "region_name": region_name(region, current_language()) if region else None,
        "skills": [{"id": sid, "name": name} for sid, name in item.skills],
        "skills_from_projects": item.skills_from_projects,
        "projects": item.projects,
        "score": item.score,
        "why": _why(item.why),
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
        out["projects"] = [summary(p) for p in result.projects]
        out["project_total"] = result.project_total
        out["prefix"] = result.prefix
    return out


def search_query(args: dict, type_: str | None = None) -> search_service.SearchQuery:
    return search_service.SearchQuery(
        text=args.get("q") or "", kinds=tuple(args.get("kind") or ()), skill=args.get("skill"),
        region=args.get("region"), sme=args.get("sme"), type=type_ or args.get("type"),
        page=args.get("page") or 1, per_page=args.get("per_page") or 20,
    )


@api.endpoint("GET", "/search", summary="Search organisations and people with facets", tag="search",
              params=(Q, Param("type", {"type": "string", "enum": list(search_service.TYPES)},
                               "Only organisations, only people, or only projects."),
                      KIND, SKILL, REGION, SME, PAGE, PER_PAGE),
              response=ref("SearchResult"))
def search(args, viewer):
    """Without `q`, every visible member alphabetically; with it, members by relevance (their own
    words, their skills and their projects), each with `why` it matched, and the matching
    `projects`. Facet counts include only what the caller may see."""
    result = search_service.search(get_store(), viewer, search_query(args), current_language(), get_caches().search)
    return page_json(result, facets=True)
