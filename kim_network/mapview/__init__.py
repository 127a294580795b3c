"""The ecosystem map: the /map page here, its data and exports under /api/v1/map (see `api`)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mapview", __name__)

from . import routes  # noqa: E402,F401
