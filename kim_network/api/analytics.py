"""GET /api/v1/analytics (staff): the analytics report as JSON, for BI tools and scripts."""
from __future__ import annotations

from kim_network.services import ecosystem as analytics
from kim_network.analytics.ecosystem import split_key
from kim_network.analytics.snapshot import SCOPES
from kim_network.api.registry import Param
from kim_network.api.v1 import api
from kim_network.core.regions import region_name
from kim_network.extensions import get_caches, get_store
from kim_network.core.model import REGIERUNGSBEZIRKE
from kim_network.web.i18n import current_language

_REF = {"type": "object", "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                         "name": {"type": "string"}}}
REPORT = {
    "type": "object",
    "properties": {
        "version": {"type": "integer", "description": "The store's change counter the report was computed at."},
        "totals": {"type": "object"},
        "by_kind": {"type": "array", "items": {"type": "object"}},
        "by_region": {"type": "array", "items": {"type": "object"}},
        "by_area": {"type": "array", "items": {"type": "object"},
                    "description": "Members per country (scope all), Land (germany) or Regierungsbezirk (bavaria)."},
        "legend": {"type": "array", "items": {"type": "object"},
                   "description": "The largest communities: number, size, kinds, shared skills, a name."},
        "scope": {"type": "string"}, "skills_basis": {"type": "string", "enum": ["needs", "projects"]},
        "hubs": {"type": "array", "items": _REF},
        "brokers": {"type": "array", "items": _REF},
        "isolated": {"type": "array", "items": _REF},
        "weak": {"type": "integer"},
        "skills": {"type": "array", "items": {"type": "object"}},
        "communities": {"type": "array", "items": {"type": "object"}},
        "community_links": {"type": "array", "items": {"type": "object"}},
        "bridges": {"type": "array", "items": _REF},
        "growth": {"type": "array", "items": {"type": "object"}},
        "funnel": {"type": "object"},
        "introductions": {"type": "array", "items": {"type": "object"}},
        "outreach": {"type": "array", "items": {"type": "object"}},
    },
}


@api.endpoint("GET", "/analytics", summary="Ecosystem analytics (staff)", tag="analytics", auth="staff",
              params=(Param("scope", {"type": "string", "enum": list(SCOPES), "default": "all"},
                            "Members in Bavaria, in Germany, or all."),),
              response=REPORT)
def analytics_report(args, viewer):
    """Members by kind and region, hubs and brokers (without the centre and its staff), weak ties,
    skill supply and demand, communities with a legend and their bridges, growth, the
    introduction funnel and the suggested actions with reasons."""
    lang = current_language()
    snap, report = analytics.report_for(get_store(), viewer, cache=get_caches().analytics,
                                        scope=args.get("scope") or "all")

    def ref(key: str, **extra) -> dict:
        label, node_id = split_key(key)
        return {"id": node_id, "label": label, "name": snap.name(key, lang), **extra}

    hb = report["hubs_brokers"]
    return {
        "version": report["counter"],
        "totals": report["totals"],
        "by_kind": [{"label": label, "kind": kind, "count": n} for label, kind, n in report["by_kind"]],
        "scope": report["scope"],
        "by_region": [{"code": code, "name": REGIERUNGSBEZIRKE.get(code, code), "count": n}
                      for code, n in report["by_region"]],
        "by_area": [{"code": code, "name": region_name(code, lang), "count": n} for code, n in report["by_area"]],
        "legend": [{k: c[k] for k in ("community", "size", "kinds", "name_de", "name_en")} |
                   {"skills": [ref(s) for s in c["skills"]]} for c in report["legend"]],
        "skills_basis": report["skills_basis"],
        "hubs": [ref(r["key"], partners=r["partners"], degree=r["degree"]) for r in hb["hubs"]],
        "brokers": [ref(r["key"], betweenness=round(r["betweenness"], 6)) for r in hb["brokers"]],
        "isolated": [ref(k) for k in report["weak"]["isolated"][:500]],
        "weak": len(report["weak"]["weak"]),
        "skills": [{**ref(r["skill"]), "demand": r["demand"], "supply": r["supply"], "gap": r["gap"]}
                   for r in report["skills"]],
        "communities": [{"community": c["community"], "size": c["size"], "kinds": c["kinds"],
                         "leaders": [ref(k) for k in c["leaders"]], "skills": [ref(s) for s in c["skills"]]}
                        for c in report["communities"]],
        "community_links": report["bridges"]["links"],
        "bridges": [ref(b["key"], community=b["community"], reaches=b["reaches"]) for b in report["bridges"]["bridges"]],
        "growth": report["growth"],
        "funnel": report["funnel"],
        "introductions": [{"seeker": ref(r["seeker"]), "provider": ref(r["provider"]), "score": r["score"],
                           "skills": [split_key(s)[1] for s in r["skills"]], "reasons": r["reasons"]}
                          for r in report["introductions"]],
        "outreach": [{**ref(r["key"]), "score": r["score"], "reasons": r["reasons"]} for r in report["outreach"]],
    }
