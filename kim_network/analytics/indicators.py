"""Counts staff read at a glance: members by kind and region, skill supply and demand, growth, funnel."""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from kim_network.core.model import INTRO_STATUS, ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE
from kim_network.analytics.ecosystem import Ecosystem, split_key

OUTSIDE_BAVARIA = "outside"
UNKNOWN = "unknown"
FUNNEL_STAGES = ("suggested", "requested", "accepted", "declined")


def region_of(node: Mapping) -> str:
    """The Regierungsbezirk code (DE21..DE27) of a member, `outside` or `unknown`.

    >>> region_of({"region": "DE25"}), region_of({"region": "FR10"}), region_of({})
    ('DE25', 'outside', 'unknown')
    """
    code = (node.get("region") or "").upper()
    if not code:
        return UNKNOWN
    return code[:4] if code[:4] in REGIERUNGSBEZIRKE else OUTSIDE_BAVARIA


def members_by_kind(eco: Ecosystem, keep=None) -> list[tuple[str, str, int]]:
    """`(label, kind, count)` for every organisation and person kind, in model order."""
    counts = Counter((split_key(k)[0], eco.nodes[k].get("kind") or "other") for k in eco.members
                     if keep is None or keep(k))
    rows = [("Organization", kind, counts.get(("Organization", kind), 0)) for kind in ORG_KINDS]
    rows += [("Person", kind, counts.get(("Person", kind), 0)) for kind in PERSON_KINDS]
    return rows


def members_by_region(eco: Ecosystem, keep=None) -> list[tuple[str, int]]:
    """Members per Regierungsbezirk (all seven, also when empty), then outside Bavaria and unknown."""
    counts = Counter(region_of(eco.nodes[k]) for k in eco.members if keep is None or keep(k))
    order = list(REGIERUNGSBEZIRKE) + [OUTSIDE_BAVARIA, UNKNOWN]
    return [(code, counts.get(code, 0)) for code in order]


def skill_supply_demand(offers: Mapping[str, Iterable[str]], needs: Mapping[str, Iterable[str]],
                        top: int = 15) -> list[dict]:
    """Skills members need, with how many need and how many offer them; scarcest first.

    `gap` = needing − offering; rows are sorted by gap, then by demand.

    >>> rows = skill_supply_demand({"a": ["asr"], "b": ["asr"]}, {"c": ["asr", "xr"], "d": ["xr"]})
    >>> [(r["skill"], r["demand"], r["supply"], r["gap"]) for r in rows]
    [('xr', 2, 0, 2), ('asr', 1, 2, -1)]
    """
    supply = Counter(s for skills in offers.values() for s in set(skills))
    demand = Counter(s for skills in needs.values() for s in set(skills))
    rows = [{"skill": s, "demand": d, "supply": supply.get(s, 0), "gap": d - supply.get(s, 0)}
            for s, d in demand.items()]
    rows.sort(key=lambda r: (-r["gap"], -r["demand"], r["skill"]))
    return rows[:top]


def _period(value: str | None, by: str) -> str | None:
    if not value or len(value) < 4 or not value[:4].isdigit():
        return None
    if by == "month":
        return value[:7] if len(value) >= 7 and value[5:7].isdigit() else None
    return value[:4]


def growth(eco: Ecosystem, by: str = "year", keep=None) -> list[dict]:
    """New members per period (from `created_at`) and members' first project or event per period.

    `by` is `year` or `month`; rows are in time order with a running total of members.
    """
    if by not in ("year", "month"):
        raise ValueError("by must be year or month")
    keys = [k for k in eco.members if keep is None or keep(k)]
    joined = Counter(p for k in keys if (p := _period(eco.nodes[k].get("created_at"), by)))
    first = Counter(p for k in keys if (p := _period(eco.first_project.get(k), by)))
    total = 0
    rows = []
    for period in sorted(set(joined) | set(first)):
        total += joined.get(period, 0)
        rows.append({"period": period, "joined": joined.get(period, 0),
                     "first_project": first.get(period, 0), "members": total})
    return rows


def introduction_funnel(introductions: Iterable[Mapping], suggested: int | None = None) -> dict:
    """The introduction funnel: suggested → requested → accepted → declined.

    `requested` counts every request made (whatever became of it); `suggested` is the
    number of recommendations shown, or None when nothing counted them.

    >>> f = introduction_funnel([{"status": "accepted"}, {"status": "requested"}, {"status": "declined"}])
    >>> f["stages"], f["measured"]
    ({'suggested': None, 'requested': 3, 'accepted': 1, 'declined': 1}, ['requested', 'accepted', 'declined'])
    """
    statuses = Counter(i.get("status") for i in introductions)
    stages = {
        "suggested": suggested,
        "requested": sum(statuses.get(s, 0) for s in INTRO_STATUS),
        "accepted": statuses.get("accepted", 0),
        "declined": statuses.get("declined", 0),
    }
    return {
        "stages": stages,
        "measured": [s for s in FUNNEL_STAGES if stages[s] is not None],
        "open": statuses.get("requested", 0),
        "by_status": {s: statuses.get(s, 0) for s in INTRO_STATUS},
    }


def skill_market(eco: Ecosystem, keep=None, top: int = 15, recent_years: int = 2, have: dict | None = None) -> dict:
    """Skill supply against demand, also where members declared no needs (as on CORDIS).

    Supply: members who offer or have a skill, or whose projects required it. Demand: members
    who need it, when any member declared needs (`basis` "needs"); otherwise the projects of
    the last `recent_years` (before the newest signature) that required it (`basis`
    "projects"). Rows `{skill, demand, supply, gap}`: with needs the gap is demand minus
    supply; with projects, rows are ordered by demand per supplier (scarcest first).
    """
    keys = [k for k in eco.members if keep is None or keep(k)]
    have = eco.skills_of() if have is None else have  # `Ecosystem.skills_of()`, if the caller has it
    supply = Counter(s for k in keys for s in have.get(k, ()))
    demand = Counter(s for k in keys for s in set(eco.needs.get(k, ())))
    if demand:
        rows = [{"skill": s, "demand": d, "supply": supply.get(s, 0), "gap": d - supply.get(s, 0)}
                for s, d in demand.items()]
        rows.sort(key=lambda r: (-r["gap"], -r["demand"], r["skill"]))
        return {"basis": "needs", "rows": rows[:top]}
    in_scope = {p for k in keys for p in eco.projects_of.get(k, ())}
    dates = {p: (eco.nodes[p].get("signed_date") or eco.nodes[p].get("start_date") or "") for p in in_scope}
    newest = max(dates.values(), default="")
    since = f"{int(newest[:4]) - recent_years}{newest[4:]}" if newest[:4].isdigit() else ""
    recent = Counter(s for p, when in dates.items() if when and when > since for s in eco.project_skills.get(p, ()))
    rows = [{"skill": s, "demand": d, "supply": supply.get(s, 0), "gap": d - supply.get(s, 0)}
            for s, d in recent.items() if d >= 2]
    rows.sort(key=lambda r: (-r["demand"] / (r["supply"] + 1), -r["demand"], r["skill"]))
    return {"basis": "projects", "rows": rows[:top], "since": since[:10]}


def members_by_scope_region(eco: Ecosystem, scope: str, keep=None, top: int = 16) -> list[tuple[str, int]]:
    """Members per area of the scope: Regierungsbezirk (Bavaria), Land (Germany) or country (all)."""
    keys = [k for k in eco.members if keep is None or keep(k)]
    if scope == "bavaria":
        counts = Counter(region_of(eco.nodes[k]) for k in keys)
        return [(code, counts.get(code, 0)) for code in REGIERUNGSBEZIRKE]
    width = 3 if scope == "germany" else 2
    counts = Counter(((eco.nodes[k].get("region") or eco.nodes[k].get("country") or "")[:width].upper() or UNKNOWN)
                     for k in keys)
    return counts.most_common(top)
