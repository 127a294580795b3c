"""Per-app singletons: the store (created lazily, closed at shutdown) and the caches built from it."""
from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from kim_network.config import shared_dir
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import (ProjectionCache, VersionedCache, export_cache, graph_version,
                                         projection_from_export)
from kim_network.services.ecosystem import AnalyticsCache
from kim_network.services.profiles import listed_counts
from kim_network.services.search import IndexCache
from kim_network.store import GraphStore, open_store

log = logging.getLogger(__name__)


@dataclass
class Caches:
    """The app's caches of whole-graph results; one graph export per version feeds the
    projection, the analytics and the search index. `counts` are `/healthz`'s listed counts:
    counting scans every organisation, person and project (about 210 ms at CORDIS size on
    SQLite) and load balancers ask every few seconds, so they are counted again only when the
    graph moved. Their version is read from the store on every call (`fresh`), which is also
    what proves to `/healthz` that the store answers."""

    exports: VersionedCache
    projection: ProjectionCache
    analytics: AnalyticsCache
    search: IndexCache
    counts: VersionedCache

    @classmethod
    def create(cls, background: bool = True, shared: str | None = None, may_build: bool = True) -> "Caches":
        """The caches; with `shared` (a folder) the projection, analytics and search index are
        shared through published files by every worker and app server (see
        `kim_network.services.caches`)."""
        exports = export_cache()
        projection = ProjectionCache(lambda store: projection_from_export(exports.get(store, wait=True)),
                                     background=background, may_build=may_build,
                                     shelf=Shelf(shared, "projection") if shared else None)
        analytics = AnalyticsCache(exports=exports, background=background, may_build=may_build,
                                   shelf=Shelf(shared, "analytics") if shared else None)
        search = IndexCache(exports=exports, background=background, may_build=may_build,
                            shelf=Shelf(shared, "search") if shared else None)
        counts = VersionedCache(lambda store, _key: listed_counts(store), name="listed counts", background=False,
                                version=lambda store: graph_version(store, fresh=True))
        return cls(exports, projection, analytics, search, counts)

    @classmethod
    def for_app(cls, app: Flask) -> "Caches":
        return cls.create(background=not app.testing, shared=shared_dir(app.config),
                          may_build=app.config.get("SHARED_BUILD", "app") == "app")


def init_extensions(app: Flask) -> None:
    """Register the lazy store slot and the caches; no connection is made here.

    Under TESTING every read sees every write (no stale-while-rebuild).
    """
    app.extensions["kim_store"] = None
    app.extensions["kim_store_lock"] = threading.Lock()
    app.extensions["kim_caches"] = Caches.for_app(app)


def store_for(app: Flask) -> GraphStore:
    """The app's store, built on first use (one driver per app)."""
    store = app.extensions.get("kim_store")
    if store is None:
        with app.extensions["kim_store_lock"]:
            store = app.extensions.get("kim_store")
            if store is None:
                store = open_store(app.config)
                store.versions_ttl = 0.0 if app.testing else float(app.config.get("VERSION_TTL") or 0.0)
                app.extensions["kim_store"] = store
                atexit.register(store.close)
    return store


def get_store() -> GraphStore:
    return store_for(current_app)


def get_caches() -> Caches:
    caches = current_app.extensions.get("kim_caches")
    if caches is None:  # a test dropped the app's caches to forget an old store
        caches = current_app.extensions.setdefault("kim_caches", Caches.for_app(current_app))
    return caches


def start_warm_up(app: Flask) -> None:
    """Once per process, build the whole-graph caches in the background: the analytics snapshots
    of members and staff (with the map layout) and the search facet index (with a shared folder:
    map the published ones, the job or one worker builds them), so the first /map,
    /analytics and /search do not wait for them; and load the ranker models with their TreeSHAP
    tables (about 3 s of CPU for the three), so the first recommendation's reasons do not wait
    either. Off under TESTING and with KIM_WARM_UP=0."""
    if app.testing or not app.config.get("WARM_UP", True) or app.extensions.get("kim_warm_up"):
        return
    with app.extensions["kim_store_lock"]:
        if app.extensions.get("kim_warm_up"):
            return
        app.extensions["kim_warm_up"] = True
    store, caches = store_for(app), app.extensions["kim_caches"]

    def work() -> None:
        from kim_network.core.visibility import Viewer

        from kim_network.matching import ltr_model
        from kim_network.services.ecosystem import report_for

        def models() -> None:
            for task in ltr_model.TASKS:
                model = ltr_model.load_model(task)
                if model is not None:
                    model.shap  # noqa: B018 - builds and keeps the tables

        for job in (lambda: caches.search.get(store), models,
                    lambda: caches.analytics.snapshot(store, Viewer(role="member")),
                    lambda: report_for(store, Viewer(role="staff"), cache=caches.analytics)):
            try:
                job()
            except Exception:  # the request that needs it builds it (and reports the error)
                log.exception("warm-up failed")

    threading.Thread(target=work, name="kim-warm-up", daemon=True).start()


def current_projection():
    """The matching projection of the app's store (stale only while a slow rebuild runs)."""
    return get_caches().projection.get(get_store())
