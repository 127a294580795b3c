"""Search over members (organisations and people) with facets: the /search page."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from kim_network.web.search import routes  # noqa: E402,F401
