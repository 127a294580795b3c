"""/analytics for staff: the report of `kim_network.services.ecosystem`, as charts, tables and actions."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kim_network.services import ecosystem as analytics, event_schedule
from kim_network.analytics.ecosystem import split_key
from kim_network.analytics.indicators import OUTSIDE_BAVARIA, UNKNOWN
from kim_network.web.access import current_viewer, staff_required
from kim_network.extensions import get_caches, get_store
from kim_network.core.model import REGIERUNGSBEZIRKE
from kim_network.analytics.snapshot import SCOPES
from kim_network.web.i18n import current_language, kind_label, region_label
from kim_network.web.templating import profile_url
from kim_network.web.staff_analytics import charts

bp = Blueprint("staff_analytics", __name__)

def _link(key: str) -> str | None:
    return profile_url(*split_key(key))


@bp.get("/analytics")
@staff_required
def index():
    """Everything staff need to see the ecosystem and act on it, computed once per data change."""
    store, viewer, lang = get_store(), current_viewer(), current_language()
    scope = request.args.get("scope") or "all"
    if scope not in SCOPES:
        scope = "all"
    snap, report = analytics.report_for(store, viewer, cache=get_caches().analytics, scope=scope)

    def name(key: str) -> str:
        return snap.name(key, lang)

    region_names = {**REGIERUNGSBEZIRKE, OUTSIDE_BAVARIA: _("Outside Bavaria"), UNKNOWN: _("Unknown")}
    by_kind = [(label, kind, n) for label, kind, n in report["by_kind"]]
    kind_rows = [(kind_label(kind), n) for _label, kind, n in by_kind if n]
    region_rows = [(region_names[code], n) for code, n in report["by_region"]]
    area_rows = [(region_names.get(code) or region_label(code), n) for code, n in report["by_area"]]
    roles = analytics.roles_of(snap)
    skill_rows = [(name(r["skill"]), r["demand"], r["supply"]) for r in report["skills"][:10]]
    growth = report["growth"]
    funnel = report["funnel"]
    funnel_rows = [(_(stage.capitalize()) if stage != "suggested" else _("Suggested"), funnel["stages"][stage])
                   for stage in funnel["measured"]]
    introductions = []
    for row in report["introductions"]:
        introductions.append({
            **row,
            "seeker_name": name(row["seeker"]), "provider_name": name(row["provider"]),
            "seeker_url": _link(row["seeker"]), "provider_url": _link(row["provider"]),
            # A three-way introduction, previewed and edited before anything is sent.
            "preview_url": url_for("introductions.bridge", a=split_key(row["seeker"])[1],
                                   b=split_key(row["provider"])[1]),
        })
    return render_template(
        "staff_analytics/index.html",
        report=report, name=name, link=_link, lang=lang, timings=snap.timings,
        community_number=lambda c: c + 1,
        introductions=introductions,
        charts={
            "kinds": charts.bar_chart(kind_rows, _("Members by kind")),
            "regions": charts.bar_chart(region_rows, _("Members by region")),
            "areas": charts.bar_chart(area_rows, _("Members by area")),
            "skills": charts.paired_bar_chart(skill_rows, _("Skill demand and supply"), _("Needed by"), _("Offered by")),
            "growth": charts.column_chart([(r["period"], r["joined"], r["first_project"]) for r in growth],
                                          _("Growth over time"), _("New members"), _("First project or event")),
            "funnel": charts.bar_chart(funnel_rows, _("Introduction funnel"), colour="#1e6b34"),
        },
        region_names=region_names, kind_rows=by_kind, skill_label=name, scope=scope, scopes=_SCOPE_NAMES,
        area_rows=area_rows, role_text=lambda key: ROLE_TEXT[roles.get(key, "member")],
        event_figures=event_schedule.all_figures(store, viewer),
    )


# Network roles in plain words (analytics.network.plain_role), for tables and the map.
ROLE_TEXT = {
    "broker": _l("Broker between groups: links communities that would otherwise be apart"),
    "connector": _l("Connects groups"),
    "hub": _l("Hub: many partners"),
    "member": _l("Well embedded in its group"),
}
_SCOPE_NAMES = (("all", _l("All")), ("germany", _l("Germany")), ("bavaria", _l("Bavaria")))

