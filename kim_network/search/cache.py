"""The app's facet index cache (one per app, rebuilt when the store changes)."""
from __future__ import annotations

from flask import current_app

from .service import IndexCache


def index_cache() -> IndexCache:
    return current_app.extensions.setdefault("kim_search_index", IndexCache())
