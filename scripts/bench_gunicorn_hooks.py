"""Gunicorn server hooks for `scripts/bench_load.py`: count Bolt round trips per request.

Loaded with `gunicorn -c scripts/bench_gunicorn_hooks.py`. In each worker the Neo4j
driver's outgoing buffer (`Outbox.flush`, one call per batch of messages written to the
socket, each followed by a wait for the server's answer) is wrapped with a per-thread
counter. `pre_request`/`post_request` attribute the flushes of a request's thread to its
path; flushes from other threads (background cache rebuilds) are counted apart. Counting
is on only while the file `$BENCH_BOLT_DIR/measuring` exists, so the warm-up is left out;
each worker writes its totals to `$BENCH_BOLT_DIR/worker-<pid>.json` when it exits.
"""
from __future__ import annotations

import json
import os
import threading
from collections import defaultdict

_DIR = os.environ.get("BENCH_BOLT_DIR", "")
_local = threading.local()
_lock = threading.Lock()
_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # path -> [requests, flushes]
_background = [0]


def _measuring() -> bool:
    return bool(_DIR) and os.path.exists(os.path.join(_DIR, "measuring"))


def post_fork(server, worker):
    del server, worker  # gunicorn checks the hooks' arity
    try:
        from neo4j._sync.io import _common
    except ImportError:  # the driver is not installed: nothing to count
        return
    original = _common.Outbox.flush

    def counted_flush(self):
        if self._chunked_data:
            if getattr(_local, "in_request", False):
                _local.flushes += 1
            elif _measuring():
                with _lock:
                    _background[0] += 1
        return original(self)

    _common.Outbox.flush = counted_flush


def pre_request(worker, req):
    del worker, req
    _local.in_request = True
    _local.flushes = 0


def post_request(worker, req, environ, resp):
    del worker, environ, resp
    _local.in_request = False
    if not _measuring():
        return
    path = req.path.split("?")[0]
    with _lock:
        entry = _totals[path]
        entry[0] += 1
        entry[1] += _local.flushes


def worker_exit(server, worker):
    del server, worker
    if not _DIR:
        return
    with _lock:
        data = {"paths": dict(_totals), "background": _background[0]}
    with open(os.path.join(_DIR, f"worker-{os.getpid()}.json"), "w", encoding="utf-8") as fh:
        json.dump(data, fh)
