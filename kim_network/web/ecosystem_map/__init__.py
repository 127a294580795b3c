"""The ecosystem map: the /map page here, its data and exports under /api/v1/map (see `api`)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ecosystem_map", __name__)

from kim_network.web.ecosystem_map import routes  # noqa: E402,F401
