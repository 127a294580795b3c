"""The /api/v1 blueprint and its registry of endpoints, which also writes /api/v1/openapi.json.

Authentication: the browser session, or `Authorization: Bearer <token>` with an account's
API token. Reads are open to anyone (filtered by visibility); writes need an account.
Session-authenticated writes need the CSRF token (header `X-CSRFToken`); token requests
are exempt. Errors are `{"error": {"status", "message", "fields"?}}`.
"""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from kim_network.web.access import bearer_token, current_viewer
from kim_network.web.shell import csrf_exempt_token_requests
from kim_network.api.errors import translate
from kim_network.api.registry import Registry
from kim_network.api.schemas import LANG

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
api = Registry(bp, PREFIX, current_viewer, translate=translate, common_params=(LANG,))
# CSRF guards what a session cookie may do. Token requests carry no cookie authority, and
# anonymous requests have none either (every write answers 401 to them), so both skip it.
csrf_exempt_token_requests(bp, lambda: bearer_token() is not None or not current_user.is_authenticated)
