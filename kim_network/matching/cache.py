"""One projection per process, shared by all requests, refreshed when the store changes.

`ProjectionCache.get(store)` returns the current projection. The first call builds it; later
calls compare `store.change_counter()` with the counter the projection was built at and,
when the store moved, rebuild it in a background thread while requests keep reading the
previous one (a projection is read-only, so that is safe). Rebuilds are at most one at a time
and at most one per `min_interval` seconds, so a burst of writes (feedback, logins) does not
rebuild the graph for every write. Nothing here imports Flask: the web layer passes the store.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from .projection import Projection, projection_from_store

log = logging.getLogger(__name__)


class ProjectionCache:
    """A thread-safe, self-refreshing holder of the projection of one store.

    Parameters
    ----------
    builder : callable(store) -> Projection
        How to build (default: `projection_from_store`).
    min_interval : float
        Seconds between the start of two rebuilds.
    background : bool
        Rebuild in a thread and serve the previous projection meanwhile (default); with
        False, `get` rebuilds synchronously whenever the store moved.
    """

    def __init__(self, builder: Callable | None = None, min_interval: float = 10.0, background: bool = True):
        self._builder = builder or projection_from_store
        self._min_interval = min_interval
        self._background = background
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._projection: Projection | None = None
        self._counter: int | None = None
        self._last_start = 0.0
        self._thread: threading.Thread | None = None
        self.last_error: Exception | None = None

    def _build(self, store) -> Projection:
        with self._build_lock:
            counter = store.change_counter()
            if self._projection is not None and self._counter == counter:
                return self._projection
            self._last_start = time.monotonic()
            started = time.perf_counter()
            projection = self._builder(store)
            projection.change_counter = counter
            with self._lock:
                self._projection, self._counter = projection, counter
            log.info("matching projection rebuilt in %.1fs (%d actors)", time.perf_counter() - started,
                     projection.n_actors)
            return projection

    def _build_in_background(self, store) -> None:
        try:
            self._build(store)
            self.last_error = None
        except Exception as exc:  # keep serving the old projection; report once
            self.last_error = exc
            log.exception("matching projection rebuild failed")

    def get(self, store, wait: bool = False) -> Projection:
        """The projection for `store`; with `wait=True` it reflects every write made so far."""
        with self._lock:
            current, counter = self._projection, self._counter
        if current is None or wait or not self._background:
            if current is None or store.change_counter() != counter:
                return self._build(store)
            return current
        if store.change_counter() != counter:
            due = time.monotonic() - self._last_start >= self._min_interval
            running = self._thread is not None and self._thread.is_alive()
            if due and not running:
                self._thread = threading.Thread(target=self._build_in_background, args=(store,),
                                                name="kim-projection", daemon=True)
                self._thread.start()
        return current

    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait for a running background rebuild (tests, shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def clear(self) -> None:
        with self._lock:
            self._projection, self._counter = None, None


_shared: dict[int, ProjectionCache] = {}
_shared_lock = threading.Lock()


def shared_cache() -> ProjectionCache:
    """The process-wide cache (one per process; the web layer and the CLI use this)."""
    with _shared_lock:
        cache = _shared.get(0)
        if cache is None:
            cache = _shared[0] = ProjectionCache()
        return cache


def projection_for(store, wait: bool = False) -> Projection:
    """Shortcut: the shared projection of `store`."""
    return shared_cache().get(store, wait=wait)
