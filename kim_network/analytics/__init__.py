"""Ecosystem analytics for staff and the map: pure functions over one viewer's graph, plus a cache."""
