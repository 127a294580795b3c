"""The shell's own pages: the landing page and the privacy notice."""
from __future__ import annotations

from flask import Blueprint, render_template

from kim_network.services.accounts import CONSENT_VERSION

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html", consent_version=CONSENT_VERSION)
