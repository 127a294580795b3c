"""The /map page: filters, the canvas, details and exports; the data comes from /api/v1/map."""
from __future__ import annotations

from flask import Blueprint, render_template

from kim_network.web.access import member_required
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE

bp = Blueprint("ecosystem_map", __name__)


@bp.get("/map")
@member_required
def index():
    """Members see the map; anonymous visitors are sent to the login page."""
    return render_template(
        "ecosystem_map/index.html", regions=REGIERUNGSBEZIRKE, org_kinds=ORG_KINDS, person_kinds=PERSON_KINDS,
    )
