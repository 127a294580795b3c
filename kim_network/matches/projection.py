"""The app's matching projection, shared by the /matches pages and the API."""
from __future__ import annotations

from flask import current_app

from ..extensions import get_store
from ..matching.cache import ProjectionCache
from ..matching.projection import Projection

_KEY = "kim_matches_projection_cache"


def current_projection() -> Projection:
    """The projection of the app's store (one cache per app, so tests never share one).

    Outside tests a write is picked up by a background rebuild while requests keep the
    previous projection; under TESTING every read sees every write.
    """
    cache = current_app.extensions.get(_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_KEY, ProjectionCache(background=not current_app.testing))
    return cache.get(get_store())
