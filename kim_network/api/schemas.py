"""JSON schemas of the API's bodies and answers; write schemas are derived from the graph model."""
from __future__ import annotations

from typing import Any

from kim_network.core.model import ID_RE, NODE_SCHEMA, Label
from kim_network.services.profiles import EDITABLE
from kim_network.services.search import KINDS, MAX_PER_PAGE
from kim_network.api.registry import Param

ID_PATTERN = ID_RE.pattern.lstrip("^").rstrip("$")
ID = {"type": "string", "pattern": ID_PATTERN, "maxLength": 64}
_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array"}
_RULE_DOCS = {
    "email": {"format": "email", "description": "One e-mail address."},
    "website": {"format": "uri", "description": "An http:// or https:// address."},
    "phone": {"description": "Digits, spaces and + ( ) / . - (3 to 20 digits)."},
    "region": {"description": "A NUTS-2 code, e.g. DE21 (Oberbayern)."},
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def prop_schema(label: Label, key: str) -> dict:
    """The JSON schema of one model property."""
    prop = NODE_SCHEMA[label][key]
    schema: dict[str, Any] = {"type": _JSON_TYPES[prop.type]}
    if prop.type is str:
        schema["maxLength"] = prop.max_length
    if prop.type is list:
        schema["items"] = {"type": "string"}
    if prop.choices:
        schema["enum"] = list(prop.choices)
    if prop.rule in _RULE_DOCS:  # checked by the model's field rule (kim_network.core.fields)
        schema.update(_RULE_DOCS[prop.rule])
    return schema


SKILL_LIST = {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200},
              "description": "Skill ids or names (German or English); replaces the whole list."}


def profile_write(label: Label, create: bool = False) -> dict:
    """The body to create or change an organisation or person: editable properties plus skill lists."""
    props = {key: prop_schema(label, key) for key in EDITABLE[label]}
    for key in props:
        if key not in ("name", "kind"):  # empty text removes an optional property
            props[key] = {**props[key], "type": [props[key]["type"], "null"]}
    props.update(skills=SKILL_LIST, offers=SKILL_LIST, needs=SKILL_LIST)
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if create:
        props["id"] = ID
        schema["required"] = ["name", "kind"]
    return schema


SKILL_REF = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
LINK = {"type": "object", "properties": {
    "label": {"type": "string"}, "id": {"type": "string"}, "name": {"type": "string"},
    "role": {"type": ["string", "null"]}, "date": {"type": ["string", "null"]}}}


def _reason() -> dict:
    return {"type": "object", "properties": {
        "kind": {"type": "string"}, "text_de": {"type": "string"}, "text_en": {"type": "string"},
        "share": {"type": "number"}, "data": {"type": "object"}}}


COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "Problem per field or parameter name."},
                },
            }},
        },
        "Summary": {
            "type": "object",
            "description": "An organisation, person or (in a search) project in a list.",
            "properties": {
                "id": {"type": "string"}, "type": {"enum": ["organization", "person", "project"]},
                "name": {"type": "string"}, "kind": {"type": ["string", "null"]},
                "sme": {"type": ["boolean", "null"]}, "city": {"type": ["string", "null"]},
                "region": {"type": ["string", "null"]}, "region_name": {"type": ["string", "null"]},
                "skills": {"type": "array", "items": SKILL_REF},
                "skills_from_projects": {"type": "boolean",
                                         "description": "The skills are those of its projects (it declared none)."},
                "projects": {"type": "integer", "description": "Projects it took part in."},
                "participants": {"type": "integer", "description": "A project's participants."},
                "score": {"type": "number", "description": "Relevance to the search text (0 without text)."},
                "why": {"type": ["object", "null"], "description": "Why it matched: kind (text, skill, project, "
                        "project_skill), field, before/match/after excerpt, skill_name, project_name, related."},
                "url": {"type": ["string", "null"]},
            },
        },
        "SummaryPage": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref("Summary")},
                "total": {"type": "integer"}, "page": {"type": "integer"},
                "per_page": {"type": "integer"}, "pages": {"type": "integer"},
            },
        },
        "SearchResult": {
            "allOf": [ref("SummaryPage")],
            "properties": {"facets": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "object", "properties": {
                    "value": {"type": "string"}, "label": {"type": "string"},
                    "count": {"type": "integer"}, "selected": {"type": "boolean"}}}}},
                "projects": {"type": "array", "items": ref("Summary"), "description": "The best matching projects."},
                "project_total": {"type": "integer"},
                "prefix": {"type": "boolean", "description": "No word matched whole; word beginnings were used."}},
        },
        "Profile": {
            "type": "object",
            "description": "An organisation or person as the caller may see it; contact details per visibility.",
            "properties": {
                "id": {"type": "string"}, "type": {"enum": ["organization", "person"]},
                "name": {"type": "string"}, "kind": {"type": "string"},
                "region_name": {"type": ["string", "null"]},
                "contact": {"type": "object", "additionalProperties": {"type": "string"}},
                "skills": {"type": "array", "items": SKILL_REF},
                "offers": {"type": "array", "items": SKILL_REF},
                "needs": {"type": "array", "items": SKILL_REF},
                "projects": {"type": "array", "items": LINK},
                "events": {"type": "array", "items": LINK},
                "people": {"type": "array", "items": LINK},
                "organizations": {"type": "array", "items": LINK},
                "confirmed_at": {"type": ["string", "null"]}, "stale": {"type": "boolean"},
            },
        },
        "Skill": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                           "label_de": {"type": "string"}, "label_en": {"type": "string"}},
        },
        "Reason": _reason(),
        "Recommendation": {
            "type": "object",
            "properties": {
                "id": {"type": "string"}, "label": {"type": "string"}, "name": {"type": "string"},
                "score": {"type": "number", "description": "0..1 within this list (0.5: a typical shortlisted candidate)."},
                "strength": {"type": ["object", "null"],
                             "description": "The result's place among every eligible candidate: tier (strong, good, "
                                            "possible), rank, pool, top_percent, and a sentence in German and English."},
                "reasons": {"type": "array", "items": ref("Reason")},
                "signals": {"type": "object", "additionalProperties": {"type": "number"}},
                "url": {"type": "string"},
                "introduction_to": {"type": ["string", "null"],
                                    "description": "The organisation or person a contact request goes to "
                                                   "(POST /introductions with target_org or target_person)."},
            },
        },
        "Recommendations": {
            "type": "object",
            "properties": {"subject": {"type": "string"}, "list": {"type": "string"},
                           "items": {"type": "array", "items": ref("Recommendation")}},
        },
        "Introduction": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "status": {"enum": ["requested", "accepted", "declined", "withdrawn", "expired", "reached", "met"]},
                "route": {"enum": ["direct", "staff", "bridge"],
                          "description": "direct: the organisation or person answers; staff: KI.M passes it on "
                                         "(nobody on the platform can answer); bridge: KI.M introduced both sides."},
                "direction": {"enum": ["sent", "received", "other"]},
                "requester": {"type": "string"},
                "requester_org": {"type": ["object", "null"]},
                "target_org": {"type": ["object", "null"]},
                "target_person": {"type": ["object", "null"]},
                "message": {"type": ["string", "null"]}, "reply": {"type": ["string", "null"]},
                "outcome_note": {"type": ["string", "null"], "description": "What KI.M staff recorded."},
                "created_at": {"type": ["string", "null"]}, "answered_at": {"type": ["string", "null"]},
                "handled_at": {"type": ["string", "null"]}, "met_at": {"type": ["string", "null"]},
                "answers": {"type": ["object", "null"], "description": "A bridge: each side's answer."},
                "contacts": {"type": "object", "description": "Only after acceptance: the other side's contact details."},
                "reasons": {"type": "array", "description": "Why the two fit, computed for the reader's side "
                                                           "in the reader's language (never the asker's text)."},
            },
        },
        "Feedback": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "subject": {"type": "string"}, "target": {"type": "string"},
                           "context": {"type": "string"}, "value": {"type": "string"}},
        },
    },
    "responses": {
        "Error": {"description": "An error; `fields` names the offending inputs.",
                  "content": {"application/json": {"schema": ref("Error")}}},
    },
}

# -- parameters shared by several endpoints -----------------------------------------------

LANG = Param("lang", {"type": "string", "enum": ["de", "en"]}, "Language of names and texts (default: German).")
Q = Param("q", {"type": "string", "maxLength": 500},
          "Full-text search (German and English stemming); every word must match.")
KIND = Param("kind", {"type": "string", "enum": list(KINDS)}, "Organisation or person kind (repeatable).",
             repeated=True)
REGION = Param("region", {"type": "string", "pattern": "[A-Z]{2}[0-9A-Z]{0,3}"},
               "NUTS prefix, e.g. DE21 (Oberbayern) or DE2 (Bavaria).")
SME = Param("sme", {"type": "boolean"}, "Only SMEs (true) or only non-SMEs (false).")
SKILL = Param("skill", ID, "A skill id; matches the skill and every narrower skill.")
PAGE = Param("page", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}, "Page number.")
PER_PAGE = Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
                 "Results per page.")
LIMIT = Param("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "How many results.")


def path_id(name: str = "id", description: str = "The id.") -> Param:
    return Param(name, ID, description, required=True, location="path")
