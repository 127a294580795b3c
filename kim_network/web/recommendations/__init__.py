"""Recommendation pages (/matches) and feedback on results."""
from kim_network.web.recommendations.routes import bp  # noqa: F401  (the blueprint, with its views)
