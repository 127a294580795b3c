"""The staff analytics page (/analytics): charts, tables and suggested actions."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analytics", __name__)

from . import routes  # noqa: E402,F401
