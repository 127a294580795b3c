"""One visibility level's analytics snapshot: ecosystem, communities, centrality, report and map.

Pure functions over exported nodes and edges; `kim_network.services.ecosystem` caches them.
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
EXPORT_RELS = (Rel.WORKS_AT, Rel.HAS_SKILL, Rel.OFFERS, Rel.NEEDS, Rel.PARTICIPATED_IN, Rel.ATTENDED, Rel.MET)


@dataclass
class Snapshot:
    """One visibility level's ecosystem with its communities and centrality."""

    counter: int
    eco: Ecosystem
    communities: dict
    centrality: dict
    timings: dict[str, float] = field(default_factory=dict)
    _map: mapdata.MapGraph | None = None
    _report: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_snapshot(nodes, edges, viewer: Viewer, counter: int = 0) -> Snapshot:
    """Ecosystem, Louvain communities and centrality for one viewer (timed, for the benchmark)."""
    timings = {}
    started = time.perf_counter()
    eco = build_ecosystem(nodes, edges, viewer)
    timings["ecosystem"] = time.perf_counter() - started
    started = time.perf_counter()
    found = network.communities(eco.graph)
    timings["communities"] = time.perf_counter() - started
    started = time.perf_counter()
    central = network.centrality(eco.graph)
    timings["centrality"] = time.perf_counter() - started
    return Snapshot(counter, eco, found, central, timings)


def compute_report(snap: Snapshot, suggested: int | None = None, today: date | None = None) -> dict:
    """Every analytics table and chart as plain data (keys of nodes, not names)."""
    eco, found, central = snap.eco, snap.communities, snap.centrality
    started = time.perf_counter()
    bridges = network.community_bridges(eco, found, central, top=12)
    links = {(row["a"], row["b"]): row["ties"] for row in bridges["links"]}
    report = {
        "counter": snap.counter,
        "totals": {
            "members": len(eco.members),
            "organizations": sum(1 for k in eco.members if k.startswith("Organization:")),
            "people": sum(1 for k in eco.members if k.startswith("Person:")),
            "communities": len({found[k] for k in eco.members if k in found}),
        },
        "by_kind": indicators.members_by_kind(eco),
        "by_region": indicators.members_by_region(eco),
        "hubs_brokers": network.hubs_and_brokers(eco, central, top=10),
        "weak": network.weakly_connected(eco),
        "skills": indicators.skill_supply_demand(eco.offers, eco.needs, top=15),
        "communities": network.community_summary(eco, found, central, top=10),
        "bridges": bridges,
        "growth": indicators.growth(eco, "year"),
        "funnel": indicators.introduction_funnel(eco.introductions, suggested),
        "introductions": actions.bridging_introductions(eco, found, links, top=12),
        "outreach": actions.outreach_candidates(eco, today=today, top=20),
    }
    snap.timings["report"] = time.perf_counter() - started
    return report


def report_of(snap: Snapshot, suggested: int | None = None) -> dict:
    """The snapshot's report, computed once."""
    with snap.lock:
        if snap._report is None or snap._report.get("_suggested") != suggested:
            snap._report = compute_report(snap, suggested)
            snap._report["_suggested"] = suggested
        return snap._report


def map_of(snap: Snapshot) -> mapdata.MapGraph:
    """The snapshot's laid-out map graph, computed once."""
    with snap.lock:
        if snap._map is None:
            started = time.perf_counter()
            snap._map = mapdata.build_map(snap.eco, snap.communities, snap.centrality)
            snap.timings["map"] = time.perf_counter() - started
        return snap._map
