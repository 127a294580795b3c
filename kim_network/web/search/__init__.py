"""Search over members (organisations and people) with facets: the /search page."""
from kim_network.web.search.routes import bp  # noqa: F401  (the blueprint, with its views)
