"""The /map page: filters, the canvas, details and exports; the data comes from /api/v1/map."""
from __future__ import annotations

from flask import Blueprint, render_template

from kim_network.web.access import member_required
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE
from kim_network.web.i18n import kind_label

bp = Blueprint("ecosystem_map", __name__)


@bp.get("/map")
@member_required
def index():
    """Members see the map; anonymous visitors are sent to the login page."""
    names = {"kinds": {k: kind_label(k) for k in ORG_KINDS + PERSON_KINDS}, "regions": dict(REGIERUNGSBEZIRKE)}
    return render_template(
        "ecosystem_map/index.html", regions=REGIERUNGSBEZIRKE, org_kinds=ORG_KINDS, person_kinds=PERSON_KINDS,
        names=names,
    )
