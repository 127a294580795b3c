"""Introductions (double opt-in) and in-app notifications: pages and the CLI commands."""
from kim_network.web.introductions.routes import bp  # noqa: F401  (the blueprint, with its views)
