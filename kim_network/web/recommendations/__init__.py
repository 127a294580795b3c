"""Recommendation pages (/matches) and feedback on results."""
from flask import Blueprint

bp = Blueprint("recommendations", __name__)

from kim_network.web.recommendations import routes  # noqa: E402,F401
