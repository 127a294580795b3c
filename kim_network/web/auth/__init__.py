"""Accounts: login, registration, password reset, staff approval, and access decorators.

`bp` is registered in the app factory. Account logic lives in `service`, request-level
access (decorators, `current_viewer()`) in `access`.
"""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from kim_network.web.auth import routes  # noqa: E402,F401  (registers the views on bp)
