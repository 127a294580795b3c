"""One caching policy for everything built from the whole graph: projection, analytics, search.

`VersionedCache` keeps one value per (store, key), valid for one version of the store
(`store.change_counter()` unless told otherwise). When the store has moved on:

- a value that was cheap to build (under `sync_seconds`) is rebuilt in the request that
  notices, so small graphs are always exact;
- an expensive one keeps being served while one background thread builds the next one
  ("stale while rebuild"), at most one build per key at a time and at most one start per
  `min_interval` seconds, so a burst of writes does not rebuild the graph for each write;
- `get(..., wait=True)` always returns a value that reflects every write made so far.

Every build re-checks the version under the key's lock, so concurrent requests that find
the same stale value cause one build, not one each. `GraphExport` is read once per version
and shared by the builders of the projection, the analytics snapshots and the search
index. Nothing here imports Flask: the app keeps one `Caches` in `app.extensions`.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Hashable

from kim_network.core.model import Label, Rel

log = logging.getLogger(__name__)


def store_version(store) -> int:
    """The default version of a store: its change counter."""
    return store.change_counter()


@dataclass
class _Entry:
    version: int
    value: Any
    seconds: float


class VersionedCache:
    """Values built from a store, one per key, refreshed when the store's version moves.

    Parameters
    ----------
    build : callable(store, key) -> value
        How to build a value. It may be called in a background thread.
    name : str
        For log lines and thread names.
    background : bool
        Allow stale-while-rebuild at all (False: every stale read rebuilds at once; tests).
    sync_seconds : float
        A stale value whose last build took less than this is rebuilt in the request.
        0 means "always in the background".
    min_interval : float
        Seconds between the starts of two background rebuilds of one key.
    version : callable(store) -> int
        What "the store moved on" means (default: `store.change_counter()`).
    on_rebuilt : callable(previous, new), optional
        Called after a background rebuild, e.g. to warm derived data of the new value.

    >>> class Store:
    ...     counter = 1
    ...     def change_counter(self): return self.counter
    >>> builds = []
    >>> cache = VersionedCache(lambda store, key: builds.append(key) or len(builds), background=False)
    >>> s = Store()
    >>> cache.get(s, "a"), cache.get(s, "a"), cache.get(s, "b")
    (1, 1, 2)
    >>> s.counter = 2
    >>> cache.get(s, "a")
    3
    """

    def __init__(self, build: Callable[[Any, Hashable], Any], *, name: str = "cache", background: bool = True,
                 sync_seconds: float = 0.0, min_interval: float = 0.0,
                 version: Callable[[Any], int] = store_version,
                 on_rebuilt: Callable[[Any, Any], None] | None = None) -> None:
        self._build_value = build
        self.name = name
        self.background = background
        self.sync_seconds = sync_seconds
        self.min_interval = min_interval
        self._version = version
        self._on_rebuilt = on_rebuilt
        self._lock = threading.Lock()
        # Keyed by the store object itself (weakly), never by id(): a new store may reuse an id.
        self._entries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._key_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._threads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._last_start: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    # -- reading ---------------------------------------------------------------------
    def _entry(self, store, key) -> _Entry | None:
        with self._lock:
            return self._entries.get(store, {}).get(key)

    def get(self, store, key: Hashable = None, wait: bool = False):
        """The value for `key`; stale only while an expensive rebuild runs (never with `wait`)."""
        entry = self._entry(store, key)
        if entry is None:
            return self._rebuild(store, key)
        version = self._version(store)
        if entry.version == version:
            return entry.value
        if wait or not self.background or entry.seconds < self.sync_seconds:
            return self._rebuild(store, key)
        self._rebuild_in_background(store, key)
        return entry.value

    # -- building --------------------------------------------------------------------
    def _key_lock(self, store, key) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(store, {}).setdefault(key, threading.Lock())

    def _rebuild(self, store, key, background: bool = False):
        with self._key_lock(store, key):  # one build per key at a time; the others wait for it
            version = self._version(store)
            previous = self._entry(store, key)
            if previous is not None and previous.version == version:
                return previous.value
            started = time.perf_counter()
            value = self._build_value(store, key)
            seconds = time.perf_counter() - started
            if background and previous is not None and self._on_rebuilt is not None:
                self._on_rebuilt(previous.value, value)
            with self._lock:
                self._entries.setdefault(store, {})[key] = _Entry(version, value, seconds)
            log.info("%s %r rebuilt in %.2fs (version %s)", self.name, key, seconds, version)
            return value

    def _rebuild_in_background(self, store, key) -> None:
        with self._lock:
            threads = self._threads.setdefault(store, {})
            running = threads.get(key)
            if running is not None and running.is_alive():
                return
            starts = self._last_start.setdefault(store, {})
            if time.monotonic() - starts.get(key, float("-inf")) < self.min_interval:
                return
            starts[key] = time.monotonic()
            thread = threading.Thread(target=self._refresh, args=(store, key), daemon=True,
                                      name=f"kim-{self.name}-{key}")
            threads[key] = thread
        thread.start()

    def _refresh(self, store, key) -> None:
        try:
            self._rebuild(store, key, background=True)
        except Exception:  # keep serving the previous value
            log.exception("%s rebuild failed", self.name)

    # -- housekeeping ----------------------------------------------------------------
    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait for background rebuilds (tests, shutdown)."""
        with self._lock:
            threads = [t for per_store in self._threads.values() for t in per_store.values()]
        for thread in threads:
            thread.join(timeout)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# -- one export of the graph per version, shared by every builder ---------------------------
EXPORT_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.CALL, Label.EVENT,
                 Label.INTRODUCTION)
EXPORT_RELS = (Rel.PARTICIPATED_IN, Rel.OFFERS, Rel.HAS_SKILL, Rel.NEEDS, Rel.REQUIRES, Rel.BROADER,
               Rel.WORKS_AT, Rel.ATTENDED, Rel.MET)


@dataclass
class GraphExport:
    """Every node and relationship the projection, analytics and search read, at one version."""

    version: int
    nodes: list  # (label, props)
    edges: list  # store Edge objects

    def nodes_of(self, labels) -> list:
        wanted = {getattr(label, "value", label) for label in labels}
        return [(label, node) for label, node in self.nodes if getattr(label, "value", label) in wanted]

    def edges_of(self, rels) -> list:
        wanted = {getattr(rel, "value", rel) for rel in rels}
        return [edge for edge in self.edges if edge.type in wanted]


def read_export(store, _key=None) -> GraphExport:
    """Read the graph once (the version first, so a concurrent write only makes it look older)."""
    version = store_version(store)
    return GraphExport(version, list(store.export_nodes(EXPORT_LABELS)), list(store.export_edges(EXPORT_RELS)))


def export_cache() -> VersionedCache:
    """Exports are read synchronously by whichever builder needs the current version first."""
    return VersionedCache(read_export, name="export", background=False)


# -- the matching projection ---------------------------------------------------------------
class ProjectionCache(VersionedCache):
    """The matching projection of a store: always rebuilt in the background once it exists.

    `builder(store)` defaults to reading the store's export; the app passes one that reads
    the shared `GraphExport` instead.
    """

    def __init__(self, builder: Callable | None = None, min_interval: float = 10.0, background: bool = True):
        from kim_network.matching.projection import projection_from_store

        builder = builder or projection_from_store
        super().__init__(lambda store, _key: builder(store), name="projection", background=background,
                         sync_seconds=0.0, min_interval=min_interval)

    def get(self, store, wait: bool = False):  # type: ignore[override]
        """The projection for `store`; with `wait=True` it reflects every write made so far."""
        return super().get(store, None, wait)


def projection_from_export(export: GraphExport):
    """The matching projection built from a shared export."""
    from kim_network.matching.projection import PROJECTED_LABELS, PROJECTED_RELS, build_projection

    return build_projection(export.nodes_of(PROJECTED_LABELS), export.edges_of(PROJECTED_RELS),
                            change_counter=export.version)
