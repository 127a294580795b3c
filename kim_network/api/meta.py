"""GET /api/v1/openapi.json: the API described by the registry that routes it."""
from __future__ import annotations

from kim_network.api.v1 import api


@api.endpoint("GET", "/openapi.json", summary="This API as an OpenAPI 3.1 document", tag="meta")
def openapi(args, viewer):
    """Generated from the same registry that routes the requests."""
    from kim_network.api.schemas import COMPONENTS

    return api.openapi(
        {"title": "KI.M Netzwerk API", "version": "1.0.0",
         "description": "Organisations, people, skills, search, recommendations with reasons, "
                        "introductions and feedback of the KI.M Netzwerk. Reads are public as far as "
                        "visibility allows; writes need a session (with X-CSRFToken) or an API token."},
        COMPONENTS,
    )
