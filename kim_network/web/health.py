"""`/healthz`: is the store reachable, and how big is the part of the graph anyone may see."""
from __future__ import annotations

from flask import Blueprint, jsonify

from kim_network.extensions import get_caches, get_store
from kim_network.store import StoreUnavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    store = get_store()
    try:
        counts = get_caches().counts.get(store)  # its version is read each time: the store answers
    except StoreUnavailable as exc:
        return jsonify({"status": "unavailable", "store": store.backend, "error": str(exc)}), 503
    return jsonify({"status": "ok", "store": store.backend, "counts": counts})
