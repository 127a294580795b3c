"""The ecosystem map: the /map page here, its data and exports under /api/v1/map (see `api`)."""
from kim_network.web.ecosystem_map.routes import bp  # noqa: F401  (the blueprint, with its views)
