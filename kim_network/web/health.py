"""`/healthz`: is the store reachable, and how big is the part of the graph anyone may see."""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify

from kim_network.extensions import get_store
from kim_network.services.profiles import listed_counts
from kim_network.store import StoreUnavailable

bp = Blueprint("health", __name__)
_COUNTS = "kim.health_counts"
_LOCK = threading.Lock()


def _counts(store) -> dict[str, int]:
    """The listed counts, counted again only when the graph moved.

    Counting scans every organisation, person and project (about 210 ms at CORDIS size on
    SQLite), and load balancers ask every few seconds. The change counters are read on every
    call, uncached: one cheap read, which is what proves the store answers.
    """
    versions = store.change_counters()
    key = (versions.uid, versions.graph)
    memo = current_app.extensions.get(_COUNTS)
    if memo is not None and memo[0] == key:
        return memo[1]
    with _LOCK:
        counts = listed_counts(store)
        current_app.extensions[_COUNTS] = (key, counts)
    return counts


@bp.get("/healthz")
def healthz():
    store = get_store()
    try:
        counts = _counts(store)
    except StoreUnavailable as exc:
        return jsonify({"status": "unavailable", "store": store.backend, "error": str(exc)}), 503
    return jsonify({"status": "ok", "store": store.backend, "counts": counts})
