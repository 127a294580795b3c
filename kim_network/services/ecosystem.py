"""Analytics and map results for a store and a viewer, cached until the graph changes.

One export of the store feeds a view per visibility level (public, members, staff); every
number, community and position is computed on the view itself, so nothing drawn from it
can reveal a profile the viewer may not see. Snapshots are kept per store and level in a
`VersionedCache`: small graphs are rebuilt in the request that finds the store changed, so
every page is exact; when the last build took longer than `SYNC_BUILD_SECONDS` (a
CORDIS-sized graph) the previous snapshot is served while the next one is built.

A build keeps only what the pages and the API read (`kim_network.analytics.served`): the
reports of every scope, the map layout in arrays, roles and legend, made in the build and
never in a request. With a shelf they are built once for all workers and mapped from files,
like the projection: a worker's private memory for them stays small at any graph size.

Introductions are not graph data: requesting or answering one moves only the store's
introductions counter. The snapshot (communities, centrality, map) does not read them, so
it is not rebuilt for them; the reports (the funnel, and the bridging suggestions that leave
out pairs already introduced) are made again from the current introductions whenever that
counter has moved since they were made (`with_current_introductions`).
"""
from __future__ import annotations

import gc

from kim_network.analytics.mapserve import ServedMap
from kim_network.analytics.served import ServedSnapshot, serve
from kim_network.analytics.snapshot import EXPORT_LABELS, EXPORT_RELS, SCOPES, build_snapshot
from kim_network.core.errors import Invalid
from kim_network.core.model import Label
from kim_network.store.base import MAX_PAGE
from kim_network.core.visibility import Viewer, clearance
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import VersionedCache, export_for, graph_version, store_version

_LEVEL_VIEWERS = {0: Viewer(), 1: Viewer(role="member"), 2: Viewer(role="staff")}
SYNC_BUILD_SECONDS = 2.0
_GRAPH_LABELS = tuple(label for label in EXPORT_LABELS if label is not Label.INTRODUCTION)


class AnalyticsCache(VersionedCache):
    """Served snapshots per (store, visibility level), valid while the graph's version stands.

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    """

    def __init__(self, sync_build_seconds: float = SYNC_BUILD_SECONDS, exports: VersionedCache | None = None,
                 background: bool = True, shelf: Shelf | None = None, may_build: bool = True) -> None:
        def build(store, level: int) -> ServedSnapshot:
            export = export_for(exports, store)
            previous = self._entry(store, level)
            before = previous.value if previous is not None else None
            snap = build_snapshot(export.nodes_of(_GRAPH_LABELS), export.edges_of(EXPORT_RELS),
                                  _LEVEL_VIEWERS[level], export.version,
                                  before.member_communities() if before is not None else None,
                                  before.community_max if before is not None else None)
            # Reports, map layout, roles and legend are made here, once: workers only read them.
            served = serve(snap)
            del snap, export  # the full snapshot is gigabytes at 10x CORDIS: only the served part stays
            with_current_introductions(store, served)
            # Whole-graph values live long: keep the cyclic garbage collector from scanning them on
            # every busy request (at CORDIS size a full collection took 0.3-0.5 s).
            gc.collect()
            gc.freeze()
            return served

        super().__init__(build, name="analytics", background=background, sync_seconds=sync_build_seconds,
                         version=graph_version if shelf is not None else store_version,
                         shelf=shelf, may_build=may_build)

    def snapshot(self, store, viewer: Viewer, wait: bool = False) -> ServedSnapshot:
        """The served snapshot for the viewer's level; with `wait=True` it reflects every write so far."""
        return self.get(store, clearance(viewer), wait)


_default = AnalyticsCache()


def centre_accounts(store) -> tuple[set[str], set[str]]:
    """Organisations and people of the staff accounts: the centre and its team."""
    staff = store.list_nodes(Label.ACCOUNT, {"role": ["staff", "admin"]}, limit=MAX_PAGE).items
    return ({a["organization_id"] for a in staff if a.get("organization_id")},
            {a["person_id"] for a in staff if a.get("person_id")})


def with_current_introductions(store, snap: ServedSnapshot) -> ServedSnapshot:
    """Give the snapshot the introductions as they are now, read only when they moved; the
    reports made with older ones are dropped (they are made again on request)."""
    version = store.current_versions().introductions
    if snap.__dict__.get("_introductions") == version:
        return snap
    introductions = store.all_nodes(Label.INTRODUCTION)
    with snap.lock:
        if snap.__dict__.get("_introductions") != version:
            snap.introductions = introductions
            snap._reports = {}
            snap.__dict__["_introductions"] = version
    return snap


def report_of(snap: ServedSnapshot, suggested: int | None = None, scope: str = "all",
              exclude: frozenset[str] = frozenset()) -> dict:
    """The snapshot's report for a scope, made once per (suggested, scope, exclude)."""
    key = (suggested, scope, exclude)
    with snap.lock:
        if key not in snap._reports:
            snap._reports[key] = snap.report(suggested, scope=scope, exclude=exclude)
            snap._reports[key]["_suggested"] = suggested
        return snap._reports[key]


def report_for(store, viewer: Viewer, suggested: int | None = None,
               cache: AnalyticsCache | None = None, scope: str = "all") -> tuple[ServedSnapshot, dict]:
    """The analytics report for a viewer and scope (all, germany, bavaria), once per store change.

    Hubs, brokers and bridges leave out the centre and its staff (tied to everyone)."""
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of: {', '.join(SCOPES)}", "scope")
    snap = with_current_introductions(store, (cache or _default).snapshot(store, viewer))
    organizations, people = centre_accounts(store)
    return snap, report_of(snap, suggested, scope, snap.exclusion(organizations, people))


def map_for(store, viewer: Viewer, cache: AnalyticsCache | None = None) -> tuple[ServedSnapshot, ServedMap]:
    """The laid-out map a viewer may see, computed once per graph version."""
    snap = (cache or _default).snapshot(store, viewer)
    return snap, snap.map


def roles_of(snap: ServedSnapshot):
    """Each member's role in plain words (broker, connector, hub, member): `roles_of(snap).get(key)`."""
    return snap.roles()


def legend_of(snap: ServedSnapshot) -> list[dict]:
    """The largest communities with a name from what they share."""
    return snap.legend
