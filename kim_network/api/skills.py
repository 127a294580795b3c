"""/api/v1/skills: the taxonomy, and autocomplete."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.registry import Param
from kim_network.api.schemas import LIMIT, PAGE, ref
from kim_network.core.model import Label
from kim_network.extensions import get_store
from kim_network.web.i18n import current_language


def skill_json(node: dict, lang: str) -> dict:
    return {"id": node["id"], "label": node.get(f"label_{lang}") or node.get("label_en") or node["id"],
            "label_de": node.get("label_de"), "label_en": node.get("label_en")}


@api.endpoint("GET", "/skills", summary="Skills of the taxonomy; autocomplete with q", tag="skills",
              params=(Param("q", {"type": "string", "maxLength": 100}, "Start of a skill name (German or English)."),
                      LIMIT, PAGE),
              response={"type": "object", "properties": {"items": {"type": "array", "items": ref("Skill")},
                                                         "total": {"type": "integer"}}})
def list_skills(args, viewer):
    """With `q`: the best matches for autocomplete. Without: every skill, alphabetically, paged."""
    store, lang = get_store(), current_language()
    limit = args["limit"] or 10
    if args.get("q"):
        hits, total = store.search(args["q"], labels=[Label.SKILL], limit=limit)
        return {"items": [skill_json(h.node, lang) for h in hits], "total": total}
    page = store.list_nodes(Label.SKILL, order_by=f"label_{lang}", limit=limit,
                            offset=((args["page"] or 1) - 1) * limit)
    return {"items": [skill_json(n, lang) for n in page.items], "total": page.total}


@api.endpoint("GET", "/skills/suggest", summary="Skills a project idea implies", tag="skills",
              params=(Param("text", {"type": "string", "maxLength": 5000}, "The idea in German or English.",
                            required=True),),
              response={"type": "object", "properties": {"items": {"type": "array", "items": ref("Skill")}}})
def suggest_skills(args, viewer):
    """Taxonomy skills the text implies (labels, synonyms, compounds; what goes together), best first."""
    from kim_network.extensions import current_projection
    from kim_network.matching.suggest import suggest_skills as suggest

    store, lang = get_store(), current_language()
    ids = suggest(current_projection(), args["text"])
    nodes = store.get_nodes(Label.SKILL, ids)
    return {"items": [skill_json(nodes[i], lang) for i in ids if i in nodes]}
