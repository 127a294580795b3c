"""/api/v1/calls: funding calls and Horizon Europe topics, by code or title (autocomplete), or the open ones."""
from __future__ import annotations

from kim_network.api.registry import Param
from kim_network.api.v1 import api
from kim_network.core.eligibility import action_types
from kim_network.extensions import get_store
from kim_network.services import calls as service


def call_json(call: dict) -> dict:
    rules = service.rules_of(call)
    return {"id": call["id"], "title": call.get("title"), "programme": call.get("programme"),
            "deadline": call.get("deadline"), "type_of_action": call.get("type_of_action"),
            "projects_funded": call.get("projects_funded"), "source": call.get("source"),
            "rules": [{"check": c.check, "value": c.value} for c in rules.checks] if rules else [],
            "rules_source": rules.source if rules else None}


@api.endpoint("GET", "/calls", summary="Funding calls and topics: find by code or title, or list the open ones",
              tag="calls",
              params=(Param("q", {"type": "string", "maxLength": 200},
                            "A topic code (or its start) or words of the title."),),
              response={"type": "object", "properties": {
                  "items": {"type": "array", "items": {"type": "object"}},
                  "types_of_action": {"type": "array", "items": {"type": "string"}}}})
def list_calls(args, viewer):
    """With `q`: up to 20 calls matching the code or title. Without: the open calls (deadline today or later)."""
    store = get_store()
    calls = service.find_calls(store, args["q"]) if args.get("q") else service.open_calls(store)
    return {"items": [call_json(c) for c in calls], "types_of_action": list(action_types())}
