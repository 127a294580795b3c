"""Analytics and map results for a store and a viewer, cached until the store changes.

One export of the store feeds a view per visibility level (public, members, staff); every
number, community and position is computed on the view itself, so nothing drawn from it
can reveal a profile the viewer may not see. Results are kept per store and level and
rebuilt when `store.change_counter()` moves. No Flask here: routes pass store and viewer.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import date
from ..model import Label, Rel
from ..visibility import Viewer, clearance
from . import actions, indicators, mapdata, network
from .ecosystem import Ecosystem, build_ecosystem

EXPORT_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.EVENT, Label.INTRODUCTION)
EXPORT_RELS = (Rel.WORKS_AT, Rel.HAS_SKILL, Rel.OFFERS, Rel.NEEDS, Rel.PARTICIPATED_IN, Rel.ATTENDED)
_LEVEL_VIEWERS = {0: Viewer(), 1: Viewer(role="member"), 2: Viewer(role="staff")}
log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """One visibility level's ecosystem with its communities and centrality."""

    counter: int
    eco: Ecosystem
    communities: dict
    centrality: dict
    timings: dict[str, float] = field(default_factory=dict)
    build_seconds: float = 0.0
    _map: mapdata.MapGraph | None = None
    _report: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


SYNC_BUILD_SECONDS = 2.0


class AnalyticsCache:
    """Snapshots per (store, visibility level), valid while the store's change counter stands.

    Small graphs are rebuilt in the request that finds the store changed, so every page is
    exact. When the last build took longer than `SYNC_BUILD_SECONDS` (a CORDIS-sized graph),
    the previous snapshot keeps being served while a background thread builds the next one
    (with its map and report, if the previous had them): any write, even a login, moves the
    counter, and staff should not wait seconds for each.
    """

    def __init__(self, sync_build_seconds: float = SYNC_BUILD_SECONDS) -> None:
        self.sync_build_seconds = sync_build_seconds
        self._lock = threading.Lock()
        self._export_lock = threading.Lock()
        # Keyed by the store object itself (weakly), never by id(): a new store may reuse an id.
        self._build_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._snapshots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._exports: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._threads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def clear(self) -> None:
        with self._lock:
            self._snapshots.clear()
            self._exports.clear()

    def _export(self, store, counter: int) -> tuple[list, list]:
        with self._export_lock:
            cached = self._exports.get(store)
            if cached and cached[0] == counter:
                return cached[1], cached[2]
            nodes = list(store.export_nodes(EXPORT_LABELS))
            edges = list(store.export_edges(EXPORT_RELS))
            self._exports[store] = (counter, nodes, edges)
            return nodes, edges

    def _current(self, store, level: int) -> Snapshot | None:
        with self._lock:
            return self._snapshots.get(store, {}).get(level)

    def snapshot(self, store, viewer: Viewer, wait: bool = False) -> Snapshot:
        """The snapshot for the viewer's level; with `wait=True` it reflects every write so far."""
        level = clearance(viewer)
        counter = store.change_counter()
        current = self._current(store, level)
        if current is not None and current.counter == counter:
            return current
        if current is not None and not wait and current.build_seconds > self.sync_build_seconds:
            self._refresh_in_background(store, level)
            return current
        return self._rebuild(store, level)

    def _rebuild(self, store, level: int, warm: bool = False) -> Snapshot:
        with self._lock:
            build_lock = self._build_locks.setdefault(store, {}).setdefault(level, threading.Lock())
        with build_lock:  # one build per level at a time; others wait for it
            counter = store.change_counter()
            previous = self._current(store, level)
            if previous is not None and previous.counter == counter:
                return previous
            nodes, edges = self._export(store, counter)
            snap = build_snapshot(nodes, edges, _LEVEL_VIEWERS[level], counter)
            if warm and previous is not None:  # serve the next request without a wait
                if previous._map is not None:
                    map_of(snap)
                if previous._report is not None:
                    report_of(snap, previous._report.get("_suggested"))
            with self._lock:
                self._snapshots.setdefault(store, {})[level] = snap
            return snap

    def _refresh_in_background(self, store, level: int) -> None:
        with self._lock:
            threads = self._threads.setdefault(store, {})
            running = threads.get(level)
            if running is not None and running.is_alive():
                return
            thread = threading.Thread(target=self._refresh, args=(store, level), daemon=True,
                                      name=f"kim-analytics-{level}")
            threads[level] = thread
        thread.start()

    def _refresh(self, store, level: int) -> None:
        try:
            self._rebuild(store, level, warm=True)
        except Exception:  # keep serving the previous snapshot
            log.exception("analytics rebuild failed")

    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait for background rebuilds (tests, shutdown)."""
        with self._lock:
            threads = [t for per_store in self._threads.values() for t in per_store.values()]
        for thread in threads:
            thread.join(timeout)


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
    return Snapshot(counter, eco, found, central, timings, build_seconds=sum(timings.values()))


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


_cache = AnalyticsCache()


def cache() -> AnalyticsCache:
    """The process-wide cache (one per worker process)."""
    return _cache


def report_of(snap: Snapshot, suggested: int | None = None) -> dict:
    """The snapshot's report, computed once."""
    with snap.lock:
        if snap._report is None or snap._report.get("_suggested") != suggested:
            snap._report = compute_report(snap, suggested)
            snap._report["_suggested"] = suggested
            snap.build_seconds += snap.timings["report"]
        return snap._report


def map_of(snap: Snapshot) -> mapdata.MapGraph:
    """The snapshot's laid-out map graph, computed once."""
    with snap.lock:
        if snap._map is None:
            started = time.perf_counter()
            snap._map = mapdata.build_map(snap.eco, snap.communities, snap.centrality)
            snap.timings["map"] = time.perf_counter() - started
            snap.build_seconds += snap.timings["map"]
        return snap._map


def report_for(store, viewer: Viewer, suggested: int | None = None) -> tuple[Snapshot, dict]:
    """The analytics report for a viewer, computed once per store change."""
    snap = _cache.snapshot(store, viewer)
    return snap, report_of(snap, suggested)


def map_for(store, viewer: Viewer) -> tuple[Snapshot, mapdata.MapGraph]:
    """The laid-out map graph a viewer may see, computed once per store change."""
    snap = _cache.snapshot(store, viewer)
    return snap, map_of(snap)
