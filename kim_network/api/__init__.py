"""The JSON API under /api/v1, one module per resource; `bp` is registered by the app factory.

`kim_network.api.v1` holds the blueprint and the registry (authentication, CSRF, errors:
see there); importing the resource modules declares their endpoints on it.
"""
from kim_network.api import organizations, people, skills, search  # noqa: F401
from kim_network.api import introductions, recommendations, meta, map, analytics, calls, events  # noqa: F401
from kim_network.api.v1 import bp  # noqa: F401
