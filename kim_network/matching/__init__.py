"""Matching engine: recommendations with reasons over an in-memory projection of the graph.

The service functions (`kim_network.matching.service`) are the API for the web layer and the
CLI; algorithms (`signals`, `rank`, `consortium`) are pure functions over a `Projection`.
"""
from .types import Constraints, MatchingError, Reason, Recommendation

__all__ = ["Constraints", "MatchingError", "Reason", "Recommendation"]
