"""Per-app singletons: the store (created lazily, closed at shutdown)."""
from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from .store import GraphStore, open_store



def init_store(app: Flask) -> None:
    """Register the lazy store slot; no connection is made here."""
    app.extensions["kim_store"] = None
    app.extensions["kim_store_lock"] = threading.Lock()


def store_for(app: Flask) -> GraphStore:
    """The app's store, built on first use (one driver per app)."""
    store = app.extensions.get("kim_store")
    if store is None:
        with app.extensions["kim_store_lock"]:
            store = app.extensions.get("kim_store")
            if store is None:
                store = open_store(app.config)
                app.extensions["kim_store"] = store
                atexit.register(store.close)
    return store


def get_store() -> GraphStore:
    return store_for(current_app)
