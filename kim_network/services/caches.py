"""One caching policy for everything built from the whole graph: projection, analytics, search.

`VersionedCache` keeps one value per (store, key), valid for one version of the store: by
default the graph's change counter (`store.change_counters().graph`), which writes of
platform records (accounts, feedback, notifications, audit) and introductions do not move.
When the store has moved on:

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

With a `shelf` (`kim_network.services.artifacts.Shelf`) a cache is shared by every worker
and app server: a value is built once per graph version by the one process that holds the
store's lease for it, published as files, and mapped read-only by all the others (and by
the builder itself). A process that starts answers at once from the newest published
version, even an older one while the current one is built; only when nothing was ever
published does a request wait (`first_wait` seconds, then `BeingPrepared`). With
`build=False` (`KIM_SHARED_BUILD=job`) workers never build: `kim build-projection` does.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Hashable

from kim_network.core.errors import BeingPrepared
from kim_network.core.model import Label, Rel
from kim_network.services.artifacts import Shelf

log = logging.getLogger(__name__)


def store_version(store) -> int:
    """The default version of a store: the graph's change counter (records do not move it)."""
    return store.current_versions().graph


@dataclass(frozen=True)
class GraphVersion:
    """A graph version that names its store, so shared files of two stores never mix."""

    uid: str
    graph: int

    def __str__(self) -> str:
        return f"{self.uid or 'store'}-g{self.graph}"


def graph_version(store, fresh: bool = False) -> GraphVersion:
    """The version of the shared caches: the store's uid and graph change counter, in one read
    (``fresh``: asked of the store now, never the counters reused for KIM_VERSION_TTL)."""
    versions = store.change_counters() if fresh else store.current_versions()
    return GraphVersion(versions.uid, versions.graph)


def _owner() -> str:
    """Who holds a lease: this cache of this process on this machine."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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
    shelf : Shelf, optional
        Share values through published files (see the module's docstring); the version
        should then be `graph_version`, which names the store.
    build : bool
        With a shelf: whether this process may build (False: only load what is published).
    first_wait : float
        With a shelf and nothing published yet: seconds a request waits for the first build
        before `BeingPrepared` is raised (builds without background always wait).
    lease_seconds : float
        With a shelf: how long the build lease lasts; the builder renews it while it works.

    >>> from types import SimpleNamespace
    >>> class Store:
    ...     counter = 1
    ...     def current_versions(self): return SimpleNamespace(graph=self.counter)
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
                 version: Callable[[Any], Hashable] = store_version,
                 on_rebuilt: Callable[[Any, Any], None] | None = None, shelf: Shelf | None = None,
                 may_build: bool = True, first_wait: float = 5.0, lease_seconds: float = 60.0) -> None:
        self._build_value = build
        self.name = name
        self.background = background
        self.sync_seconds = sync_seconds
        self.min_interval = min_interval
        self._version = version
        self._on_rebuilt = on_rebuilt
        self.shelf = shelf
        self.may_build = may_build
        self.first_wait = first_wait
        self.lease_seconds = lease_seconds
        self.owner = _owner()
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
        if entry is None and self.shelf is None:
            return self._rebuild(store, key)
        version = self._version(store)
        if entry is not None and entry.version == version:
            return entry.value
        if self.shelf is not None:
            loaded = self._load_published(store, key, version)
            if loaded is not None:
                return loaded.value
            if entry is None:
                return self._first(store, key, wait)
        if wait or not self.background or entry.seconds < self.sync_seconds:
            return self._rebuild(store, key)
        self._rebuild_in_background(store, key)
        return entry.value

    def follow(self, store, key: Hashable, held: _Entry, version, value) -> None:
        """Keep `value` as the one for `version` (a value that followed writes made since
        `held` was built), unless another value replaced `held` meanwhile."""
        with self._lock:
            per_store = self._entries.setdefault(store, {})
            if per_store.get(key) is held:
                per_store[key] = _Entry(version, value, held.seconds)

    # -- shared through files ----------------------------------------------------------
    def _file_key(self, version, key) -> str:
        return str(version) if key is None else f"{version}-k{key}"

    def published_for(self, store, key: Hashable = None):
        """The published files of the store's current version for `key`, if any (for reports)."""
        return self.shelf.find(self._file_key(self._version(store), key)) if self.shelf is not None else None

    def _load_published(self, store, key, version) -> _Entry | None:
        """The published value of exactly this version, mapped and kept; None if not published."""
        published = self.shelf.find(self._file_key(version, key))
        if published is None:
            return None
        with self._key_lock(store, key):
            current = self._entry(store, key)
            if current is not None and current.version == version:
                return current
            return self._adopt(store, key, version, published)

    def _adopt(self, store, key, version, published) -> _Entry | None:
        try:
            value = self.shelf.load(published)
        except Exception:  # a damaged or incompatible file: build instead
            log.exception("%s: cannot load %s", self.name, published.path)
            return None
        entry = _Entry(version, value, float(published.manifest.get("build_seconds", 0.0)))
        with self._lock:
            self._entries.setdefault(store, {})[key] = entry
        log.info("%s %r mapped from %s", self.name, key, published.path)
        return entry

    def _first(self, store, key, wait: bool):
        """Nothing in memory: the newest published version of this store at once (and the
        current one built in the background), else a first build."""
        if not wait and self.background:
            uid = getattr(self._version(store), "uid", None)
            suffix = "" if key is None else f"-k{key}"
            older = [p for p in self.shelf.published(f"{uid or 'store'}-g") if p.key.endswith(suffix)
                     and (key is not None or "-k" not in p.key)]
            if older:
                with self._key_lock(store, key):
                    entry = self._entry(store, key) or self._adopt(store, key, None, older[-1])
                if entry is not None:
                    self._rebuild_in_background(store, key, ignore_interval=True)
                    return entry.value
            thread = self._rebuild_in_background(store, key, ignore_interval=True)
            if thread is not None:
                thread.join(self.first_wait)
            entry = self._entry(store, key)
            if entry is None:
                raise BeingPrepared(f"{self.name} is being built for the first time")
            return entry.value
        return self._rebuild(store, key)

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
            if self.shelf is not None:
                return self._build_shared(store, key, version, previous, background)
            started = time.perf_counter()
            value = self._build_value(store, key)
            seconds = time.perf_counter() - started
            if background and previous is not None and self._on_rebuilt is not None:
                self._on_rebuilt(previous.value, value)
            with self._lock:
                self._entries.setdefault(store, {})[key] = _Entry(version, value, seconds)
            log.info("%s %r rebuilt in %.2fs (version %s)", self.name, key, seconds, version)
            return value

    def _build_shared(self, store, key, version, previous: _Entry | None, background: bool):
        """Under the key's lock: map the published version, or build and publish it while
        holding the store's lease, or wait for the process that holds it."""
        lease = f"{self.shelf.name}:{self._file_key('build', key)}"
        deadline = time.monotonic() + max(self.lease_seconds * 20, 600)
        while True:
            published = self.shelf.find(self._file_key(version, key))
            if published is not None:
                entry = self._adopt(store, key, version, published)
                if entry is not None:
                    return entry.value
            if self.may_build and store.try_lease(lease, self.owner, self.lease_seconds):
                try:
                    version = self._version(store)  # read again under the lease: build the newest
                    published = self.shelf.find(self._file_key(version, key))
                    entry = self._adopt(store, key, version, published) if published is not None else None
                    if entry is not None:  # the previous holder published it just now
                        return entry.value
                    return self._build_and_publish(store, key, version, previous, background, lease)
                finally:
                    store.release_lease(lease, self.owner)
            if time.monotonic() > deadline:
                raise BeingPrepared(f"{self.name} is being built by another process")
            time.sleep(0.5)  # another process builds it: its files appear when it is done
            version = self._version(store)

    def _build_and_publish(self, store, key, version, previous, background, lease):
        stop = threading.Event()

        def renew():  # keep the lease while the build runs, however long it takes
            while not stop.wait(self.lease_seconds / 3):
                store.try_lease(lease, self.owner, self.lease_seconds)

        keeper = threading.Thread(target=renew, daemon=True, name=f"kim-{self.name}-lease")
        keeper.start()
        try:
            started = time.perf_counter()
            value = self._build_value(store, key)
            seconds = time.perf_counter() - started
            if background and previous is not None and self._on_rebuilt is not None:
                self._on_rebuilt(previous.value, value)
        finally:
            stop.set()
        try:
            published = self.shelf.publish(self._file_key(version, key), value, build_seconds=round(seconds, 3),
                                           version=str(version), cache_key=repr(key))
            # Serve from the files like every other process: the built copy is dropped.
            value = self.shelf.load(published)
        except Exception:  # e.g. the folder is not writable: keep serving from memory
            log.exception("%s: cannot publish version %s", self.name, version)
        with self._lock:
            self._entries.setdefault(store, {})[key] = _Entry(version, value, seconds)
        log.info("%s %r built in %.2fs and published (version %s)", self.name, key, seconds, version)
        return value

    def _rebuild_in_background(self, store, key, ignore_interval: bool = False) -> threading.Thread | None:
        with self._lock:
            threads = self._threads.setdefault(store, {})
            running = threads.get(key)
            if running is not None and running.is_alive():
                return running
            starts = self._last_start.setdefault(store, {})
            if not ignore_interval and time.monotonic() - starts.get(key, float("-inf")) < self.min_interval:
                return None
            starts[key] = time.monotonic()
            thread = threading.Thread(target=self._refresh, args=(store, key), daemon=True,
                                      name=f"kim-{self.name}-{key}")
            threads[key] = thread
        thread.start()
        return thread

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
# Graph data only: introductions are records of their own kind (the analytics report reads them
# apart, see `kim_network.services.ecosystem`), so they do not invalidate what is built from this.
EXPORT_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.CALL, Label.EVENT)
EXPORT_RELS = (Rel.PARTICIPATED_IN, Rel.OFFERS, Rel.HAS_SKILL, Rel.NEEDS, Rel.REQUIRES, Rel.BROADER,
               Rel.WORKS_AT, Rel.ATTENDED, Rel.MET)


@dataclass
class GraphExport:
    """Every node and relationship the projection, analytics and search read, at one graph version."""

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


def export_for(exports: VersionedCache | None, store) -> GraphExport:
    """The current export, from the shared export cache when there is one."""
    return exports.get(store, wait=True) if exports is not None else read_export(store)


class ExportCache(VersionedCache):
    """Exports are read synchronously by whichever builder needs the current version first, and
    dropped `keep_seconds` after their last use: an export is as big as the graph, and only
    builders read it (a worker that maps the shared projection never does)."""

    def __init__(self, keep_seconds: float = 60.0) -> None:
        super().__init__(read_export, name="export", background=False)
        self.keep_seconds = keep_seconds
        self._timer: threading.Timer | None = None

    def get(self, store, key: Hashable = None, wait: bool = False):
        value = super().get(store, key, wait)
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.keep_seconds, self.clear)
            self._timer.daemon = True
            self._timer.start()
        return value


def export_cache() -> VersionedCache:
    return ExportCache()


# -- the matching projection ---------------------------------------------------------------
class ProjectionCache(VersionedCache):
    """The matching projection of a store: always rebuilt in the background once it exists.

    `builder(store)` defaults to reading the store's export; the app passes one that reads
    the shared `GraphExport` instead. With a `shelf` it is built once per graph version for
    every worker and app server and mapped from the published files (see the module's docstring).
    """

    def __init__(self, builder: Callable | None = None, min_interval: float = 10.0, background: bool = True,
                 shelf: Shelf | None = None, may_build: bool = True, first_wait: float = 5.0):
        from kim_network.matching.projection_build import projection_from_store

        builder = builder or projection_from_store
        super().__init__(lambda store, _key: builder(store), name="projection", background=background,
                         sync_seconds=0.0, min_interval=min_interval,
                         version=graph_version if shelf is not None else store_version,
                         shelf=shelf, may_build=may_build, first_wait=first_wait)

    def get(self, store, wait: bool = False):  # type: ignore[override]
        """The projection for `store`; with `wait=True` it reflects every write made so far."""
        return super().get(store, None, wait)


def projection_from_export(export: GraphExport):
    """The matching projection built from a shared export, with the ranker's helpers (so they
    are published with it and every worker maps them instead of computing its own)."""
    from kim_network.matching import ltr_data
    from kim_network.matching.projection_build import PROJECTED_LABELS, PROJECTED_RELS, build_projection

    return ltr_data.warm(build_projection(export.nodes_of(PROJECTED_LABELS), export.edges_of(PROJECTED_RELS),
                                     change_counter=export.version))
