"""Organisation and person profiles: pages, edit forms, confirmation, merging duplicates."""
from flask import Blueprint

bp = Blueprint("profiles", __name__)

from kim_network.web.profiles import routes  # noqa: E402,F401
