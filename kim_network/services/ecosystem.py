"""Analytics and map results for a store and a viewer, cached until the store changes.

One export of the store feeds a view per visibility level (public, members, staff); every
number, community and position is computed on the view itself, so nothing drawn from it
can reveal a profile the viewer may not see. Snapshots are kept per store and level in a
`VersionedCache`: small graphs are rebuilt in the request that finds the store changed, so
every page is exact; when the last build took longer than `SYNC_BUILD_SECONDS` (a
CORDIS-sized graph) the previous snapshot is served while the next one is built, with its
map and report warmed if the previous had them.
"""
from __future__ import annotations

import gc

from kim_network.analytics import mapdata
from kim_network.analytics.network import community_profiles, network_roles
from kim_network.analytics.snapshot import (EXPORT_LABELS, EXPORT_RELS, SCOPES, Snapshot, build_snapshot,
                                            centre_and_staff, map_of, report_of)
from kim_network.core.errors import Invalid
from kim_network.core.model import Label
from kim_network.store.base import MAX_PAGE
from kim_network.core.visibility import Viewer, clearance
from kim_network.services.caches import GraphExport, VersionedCache, read_export

_LEVEL_VIEWERS = {0: Viewer(), 1: Viewer(role="member"), 2: Viewer(role="staff")}
SYNC_BUILD_SECONDS = 2.0


def _warm(previous: Snapshot, new: Snapshot) -> None:
    """Give a snapshot built in the background the map and report its predecessor had."""
    if previous._map is not None:
        map_of(new)
    for suggested, scope, exclude in list(previous._reports):
        report_of(new, suggested, scope, exclude)


class AnalyticsCache(VersionedCache):
    """Snapshots per (store, visibility level), valid while the store's version stands.

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    """

    def __init__(self, sync_build_seconds: float = SYNC_BUILD_SECONDS, exports: VersionedCache | None = None,
                 background: bool = True) -> None:
        def build(store, level: int) -> Snapshot:
            export: GraphExport = exports.get(store, wait=True) if exports is not None else read_export(store)
            previous = self._entry(store, level)
            snap = build_snapshot(export.nodes_of(EXPORT_LABELS), export.edges_of(EXPORT_RELS),
                                  _LEVEL_VIEWERS[level], export.version,
                                  previous.value.communities if previous is not None else None)
            if level > 0:  # layout, roles and legend are part of the snapshot: the first /map does not wait
                map_of(snap)
                roles_of(snap)
                legend_of(snap)
            # Whole-graph values live long: keep the cyclic garbage collector from scanning them on
            # every busy request (at CORDIS size a full collection took 0.3-0.5 s).
            gc.freeze()
            return snap

        super().__init__(build, name="analytics", background=background, sync_seconds=sync_build_seconds,
                         on_rebuilt=_warm)

    def snapshot(self, store, viewer: Viewer, wait: bool = False) -> Snapshot:
        """The snapshot for the viewer's level; with `wait=True` it reflects every write so far."""
        return self.get(store, clearance(viewer), wait)


_default = AnalyticsCache()


def centre_accounts(store) -> tuple[set[str], set[str]]:
    """Organisations and people of the staff accounts: the centre and its team."""
    staff = store.list_nodes(Label.ACCOUNT, {"role": ["staff", "admin"]}, limit=MAX_PAGE).items
    return ({a["organization_id"] for a in staff if a.get("organization_id")},
            {a["person_id"] for a in staff if a.get("person_id")})


def report_for(store, viewer: Viewer, suggested: int | None = None,
               cache: AnalyticsCache | None = None, scope: str = "all") -> tuple[Snapshot, dict]:
    """The analytics report for a viewer and scope (all, germany, bavaria), once per store change.

    Hubs, brokers and bridges leave out the centre and its staff (tied to everyone)."""
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of: {', '.join(SCOPES)}", "scope")
    snap = (cache or _default).snapshot(store, viewer)
    organizations, people = centre_accounts(store)
    return snap, report_of(snap, suggested, scope, centre_and_staff(snap.eco, organizations, people))


def map_for(store, viewer: Viewer, cache: AnalyticsCache | None = None) -> tuple[Snapshot, mapdata.MapGraph]:
    """The laid-out map graph a viewer may see, computed once per store change."""
    snap = (cache or _default).snapshot(store, viewer)
    return snap, map_of(snap)


def roles_of(snap: Snapshot) -> dict[str, str]:
    """Each member's role in plain words (broker, connector, hub, member), once per snapshot."""
    with snap.lock:
        if snap.__dict__.get("_roles") is None:
            snap.__dict__["_roles"] = network_roles(snap.eco, snap.centrality)
        return snap.__dict__["_roles"]


def legend_of(snap: Snapshot) -> list[dict]:
    """The largest communities with a name from what they share, once per snapshot."""
    with snap.lock:
        if snap.__dict__.get("_legend") is None:
            snap.__dict__["_legend"] = community_profiles(snap.eco, snap.communities, skills_of(snap), top=14)
        return snap.__dict__["_legend"]


def skills_of(snap: Snapshot) -> dict[str, set[str]]:
    """What each member can do (its skills and its projects'), once per snapshot."""
    if snap.__dict__.get("_skills_of") is None:
        snap.__dict__["_skills_of"] = snap.eco.skills_of()
    return snap.__dict__["_skills_of"]
