"""One visibility level's analytics snapshot: ecosystem, communities, centrality, report and map.

Pure functions over exported nodes and edges. The process that builds a snapshot turns it
into what workers serve (`kim_network.analytics.served`); `kim_network.services.ecosystem`
caches and shares that.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date

from kim_network.analytics import actions, indicators, mapdata, network
from kim_network.analytics.ecosystem import Ecosystem, build_ecosystem
from kim_network.core.model import Label, Rel
from kim_network.core.visibility import Viewer

# What analytics read from a store.
EXPORT_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.EVENT, Label.INTRODUCTION)
EXPORT_RELS = (Rel.WORKS_AT, Rel.HAS_SKILL, Rel.OFFERS, Rel.NEEDS, Rel.PARTICIPATED_IN, Rel.ATTENDED, Rel.MET,
               Rel.REQUIRES)


@dataclass
class Snapshot:
    """One visibility level's ecosystem with its communities and centrality."""

    counter: int
    eco: Ecosystem
    communities: dict
    centrality: dict
    timings: dict[str, float] = field(default_factory=dict)
    _map: mapdata.MapGraph | None = None
    # What every scope and exclusion of a report shares, computed once per snapshot:
    _bridges: dict | None = None  # the 60 widest-reaching members and the links between communities
    _skills_of: dict | None = None  # what each member can do
    _outreach: tuple | None = None  # (the day, the 60 members most worth a call that day)
    _legend: list | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_snapshot(nodes, edges, viewer: Viewer, counter: int = 0, previous: dict | None = None,
                   previous_max: int | None = None) -> Snapshot:
    """Ecosystem, Louvain communities and centrality for one viewer (timed, for the benchmark).

    `previous` are the communities of the snapshot this one replaces: each community keeps
    the number of the previous one it overlaps most, so colours and legend stay put
    (`previous_max`: the highest number used before, when `previous` holds only members).
    """
    timings = {}
    started = time.perf_counter()
    eco = build_ecosystem(nodes, edges, viewer)
    timings["ecosystem"] = time.perf_counter() - started
    started = time.perf_counter()
    found = network.stable_ids(network.communities(eco.graph), previous, eco.members, previous_max)
    timings["communities"] = time.perf_counter() - started
    started = time.perf_counter()
    central = network.centrality(eco.graph)
    timings["centrality"] = time.perf_counter() - started
    return Snapshot(counter, eco, found, central, timings)


SCOPES = ("all", "germany", "bavaria")


def in_scope(node: dict, scope: str) -> bool:
    """Whether a member belongs to the scope: Bavaria (NUTS DE2), Germany (DE) or all."""
    region = (node.get("region") or node.get("nuts3") or "").upper()
    if scope == "bavaria":
        return region.startswith("DE2")
    if scope == "germany":
        return region.startswith("DE") or (node.get("country") or "").upper() == "DE"
    return True


def centre_and_staff(eco: Ecosystem, organizations: set[str], people: set[str]) -> frozenset[str]:
    """Keys of the centre's organisations, its staff, and everyone who works at the centre."""
    keys = {f"Organization:{o}" for o in organizations} | {f"Person:{p}" for p in people}
    keys |= {person for person, orgs in eco.employer.items() if orgs & keys}
    return frozenset(k for k in keys if k in eco.member_index)


def compute_report(snap: Snapshot, suggested: int | None = None, today: date | None = None,
                   scope: str = "all", exclude: frozenset[str] = frozenset()) -> dict:
    """Every analytics table and chart as plain data (keys of nodes, not names).

    `scope` limits the tables to members in Bavaria, Germany or anywhere (communities and
    centrality stay those of the whole network); `exclude` are members left out of the
    hubs, brokers and bridges: the centre itself and its staff, who are tied to everyone.
    """
    eco, found, central = snap.eco, snap.communities, snap.centrality
    started = time.perf_counter()
    nodes = eco.nodes

    scope_of: dict[str, bool] = {}

    def keep(key: str) -> bool:
        found_in = scope_of.get(key)
        if found_in is None:
            found_in = scope_of[key] = in_scope(nodes.get(key, {}), scope)
        return found_in

    def ranked(key: str) -> bool:
        return keep(key) and key not in exclude

    scoped = [k for k in eco.members if keep(k)]
    if snap._bridges is None:
        snap._bridges = network.community_bridges(eco, found, central, top=60)
    bridges = dict(snap._bridges)
    bridges["bridges"] = [b for b in bridges["bridges"] if ranked(b["key"])][:12]
    bridges["links"] = bridges["links"][:12]
    links = {(row["a"], row["b"]): row["ties"] for row in bridges["links"]}
    hubs = network.hubs_and_brokers(eco, central, top=10, keep=ranked)
    weak = network.weakly_connected(eco)
    skills_of = skills_of_members(snap)
    skills = indicators.skill_market(eco, keep, top=15, have=skills_of)
    today = today or date.today()
    if snap._outreach is None or snap._outreach[0] != today:
        snap._outreach = (today, actions.outreach_candidates(eco, today=today, top=60))
    report = {
        "counter": snap.counter,
        "scope": scope,
        "totals": {
            "members": len(scoped),
            "organizations": sum(1 for k in scoped if k.startswith("Organization:")),
            "people": sum(1 for k in scoped if k.startswith("Person:")),
            "communities": len({found[k] for k in scoped if k in found}),
        },
        "by_kind": indicators.members_by_kind(eco, keep),
        "by_region": indicators.members_by_region(eco, keep),
        "by_area": indicators.members_by_scope_region(eco, scope, keep),
        "hubs_brokers": hubs,
        "weak": {"isolated": [k for k in weak["isolated"] if keep(k)], "weak": [k for k in weak["weak"] if keep(k)]},
        "skills": skills["rows"],
        "skills_basis": skills["basis"],
        "skills_since": skills.get("since"),
        "communities": network.community_summary(eco, found, central, top=10, keep=keep, skills_of=skills_of),
        "legend": legend_of(snap)[:12],
        "bridges": bridges,
        "growth": indicators.growth(eco, "year", keep),
        "funnel": indicators.introduction_funnel(eco.introductions, suggested),
        "introductions": [row for row in actions.bridging_introductions(eco, found, links, top=40)
                          if keep(row["seeker"]) and keep(row["provider"])][:12],
        "outreach": [row for row in snap._outreach[1] if ranked(row["key"])][:20],
    }
    snap.timings["report"] = time.perf_counter() - started
    return report


def skills_of_members(snap: Snapshot) -> dict:
    """What each member can do (its skills and its projects'), once per snapshot."""
    if snap._skills_of is None:
        snap._skills_of = snap.eco.skills_of()
    return snap._skills_of


def legend_of(snap: Snapshot) -> list[dict]:
    """The 14 largest communities with a name from what they share (the report shows 12), once."""
    if snap._legend is None:
        snap._legend = network.community_profiles(snap.eco, snap.communities, skills_of_members(snap), top=14)
    return snap._legend


def map_of(snap: Snapshot) -> mapdata.MapGraph:
    """The snapshot's laid-out map graph, computed once."""
    with snap.lock:
        if snap._map is None:
            started = time.perf_counter()
            snap._map = mapdata.build_map(snap.eco, snap.communities, snap.centrality)
            snap.timings["map"] = time.perf_counter() - started
        return snap._map
