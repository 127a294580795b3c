"""The staff analytics page (/analytics): charts, tables and suggested actions."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_analytics", __name__)

from kim_network.web.staff_analytics import routes  # noqa: E402,F401
