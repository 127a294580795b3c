"""The /map page: filters, the canvas, details and exports; the data comes from /api/v1/map."""
from __future__ import annotations

from flask import render_template

from ..auth.access import member_required
from ..model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE
from . import bp


@bp.get("/map")
@member_required
def index():
    """Members see the map; anonymous visitors are sent to the login page."""
    return render_template(
        "map/index.html", regions=REGIERUNGSBEZIRKE, org_kinds=ORG_KINDS, person_kinds=PERSON_KINDS,
    )
