"""The staff analytics page (/analytics): charts, tables and suggested actions."""
from kim_network.web.staff_analytics.routes import bp  # noqa: F401  (the blueprint, with its views)
