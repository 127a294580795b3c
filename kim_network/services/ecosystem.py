"""Analytics and map results for a store and a viewer, cached until the graph changes.

One export of the store feeds a view per visibility level (public, members, staff); every
number, community and position is computed on the view itself, so nothing drawn from it
can reveal a profile the viewer may not see. Snapshots are kept per store and level in a
`VersionedCache` keyed by the graph's version: small graphs are rebuilt in the request
that finds the graph changed, so every page is exact; when the last build took longer
than `SYNC_BUILD_SECONDS` (a CORDIS-sized graph) the previous snapshot is served while the
next one is built, with its map and report warmed if the previous had them. With a shelf
the snapshots (and the map layouts they hold) are built once for all workers and mapped
from files, like the projection.

Introductions are not graph data: requesting or answering one moves only the store's
introductions counter. The snapshot (communities, centrality, map) does not read them, so
it is not rebuilt for them; the report's funnel and its bridging suggestions (which leave
out pairs already introduced) are recomputed from the current introductions whenever that
counter has moved since the report was made.
"""
from __future__ import annotations

from kim_network.analytics import mapdata
from kim_network.analytics.snapshot import (EXPORT_LABELS, EXPORT_RELS, Snapshot, build_snapshot,
                                            compute_report, map_of, report_of)
from kim_network.core.model import Label
from kim_network.core.visibility import Viewer, clearance
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import VersionedCache, export_for, graph_version, store_version

_LEVEL_VIEWERS = {0: Viewer(), 1: Viewer(role="member"), 2: Viewer(role="staff")}
SYNC_BUILD_SECONDS = 2.0
_GRAPH_LABELS = tuple(label for label in EXPORT_LABELS if label is not Label.INTRODUCTION)


def _warm(previous: Snapshot, new: Snapshot) -> None:
    """Give a snapshot built in the background the map and report its predecessor had."""
    if previous._map is not None:
        map_of(new)
    if previous._report is not None:
        report_of(new, previous._report.get("_suggested"))


class AnalyticsCache(VersionedCache):
    """Snapshots per (store, visibility level), valid while the graph's version stands.

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    """

    def __init__(self, sync_build_seconds: float = SYNC_BUILD_SECONDS, exports: VersionedCache | None = None,
                 background: bool = True, shelf: Shelf | None = None, may_build: bool = True) -> None:
        def build(store, level: int) -> Snapshot:
            export = export_for(exports, store)
            snap = build_snapshot(export.nodes_of(_GRAPH_LABELS), export.edges_of(EXPORT_RELS),
                                  _LEVEL_VIEWERS[level], export.version)
            if shelf is not None:  # published for every worker: with its map layout (and staff's report)
                map_of(snap)
                if level == max(_LEVEL_VIEWERS):
                    current_report(store, snap)
            return snap

        super().__init__(build, name="analytics", background=background, sync_seconds=sync_build_seconds,
                         on_rebuilt=_warm, version=graph_version if shelf is not None else store_version,
                         shelf=shelf, may_build=may_build)

    def snapshot(self, store, viewer: Viewer, wait: bool = False) -> Snapshot:
        """The snapshot for the viewer's level; with `wait=True` it reflects every write so far."""
        return self.get(store, clearance(viewer), wait)


_default = AnalyticsCache()


def current_report(store, snap: Snapshot, suggested: int | None = None) -> dict:
    """The snapshot's report with the introductions as they are now (read only when they moved)."""
    version = store.current_versions().introductions

    def fresh(report: dict | None) -> bool:
        return report is not None and report.get("_suggested") == suggested and report.get("_introductions") == version

    if fresh(snap._report):
        return snap._report
    introductions = store.all_nodes(Label.INTRODUCTION)
    with snap.lock:
        if not fresh(snap._report):  # another request may have made it meanwhile
            snap.eco.introductions = introductions
            report = compute_report(snap, suggested)
            report["_suggested"], report["_introductions"] = suggested, version
            snap._report = report
        return snap._report


def report_for(store, viewer: Viewer, suggested: int | None = None,
               cache: AnalyticsCache | None = None) -> tuple[Snapshot, dict]:
    """The analytics report for a viewer: the snapshot once per graph version, the
    introduction figures as they are now."""
    snap = (cache or _default).snapshot(store, viewer)
    return snap, current_report(store, snap, suggested)


def map_for(store, viewer: Viewer, cache: AnalyticsCache | None = None) -> tuple[Snapshot, mapdata.MapGraph]:
    """The laid-out map graph a viewer may see, computed once per graph version."""
    snap = (cache or _default).snapshot(store, viewer)
    return snap, map_of(snap)
