"""Introductions (double opt-in) and in-app notifications: pages and the CLI commands."""
from flask import Blueprint

bp = Blueprint("introductions", __name__)

from kim_network.web.introductions import routes  # noqa: E402,F401
