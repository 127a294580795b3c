"""/api/v1/recommendations/* and /api/v1/feedback: ranked suggestions with reasons, and feedback on them."""
from __future__ import annotations

from flask import current_app

from kim_network.api.v1 import api
from kim_network.api.registry import ApiError, Param
from kim_network.api.schemas import ID, SME, ref
from kim_network.core.model import Label
from kim_network.extensions import current_projection, get_store
from kim_network.matching.types import Constraints
from kim_network.services import feedback as feedback_service
from kim_network.services import profiles
from kim_network.services import recommendations as match_service
from kim_network.services import search as search_service
from kim_network.web.templating import profile_url


K = Param("k", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "How many results.")
ORG_PARAM = Param("organization", ID, "Organisation id (default: the caller's organisation).")
CONSTRAINT_PARAMS = (
    Param("kind", {"type": "string", "enum": list(search_service.KINDS)}, "Only these kinds (repeatable).",
          repeated=True),
    SME,
    Param("region", {"type": "string", "pattern": "[A-Z]{2}[0-9A-Z]{0,3}"},
          "Only this NUTS prefix (repeatable), e.g. DE2 for Bavaria.", repeated=True),
    Param("country", {"type": "string", "pattern": "[A-Z]{2}"}, "Only these countries (repeatable).",
          repeated=True),
)


def _constraints(args) -> Constraints:
    return Constraints(kinds=tuple(args.get("kind") or ()), sme=args.get("sme"),
                       regions=tuple(args.get("region") or ()), countries=tuple(args.get("country") or ()))


def _subject(args, name: str, own: str | None) -> str:
    subject = args.get(name) or own
    if not subject:
        raise ApiError(422, f"Give the {name} to recommend for.", {name: "is required"})
    return subject


def plain(value):
    """JSON-safe copy: numpy numbers (from the matching arrays) become Python numbers."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def match_json(match: match_service.Match) -> dict:
    data = plain(match.rec.as_dict())
    data["url"] = profile_url(Label(match.rec.label), match.rec.id)
    data["introduction_to"] = match.contact
    return data


def _list_json(result: match_service.MatchList) -> dict:
    if result.error:
        raise ApiError(422, result.error, {"subject": result.error})
    return {"subject": result.subject, "list": result.key, "items": [match_json(m) for m in result.items]}


def _recommend(key: str, subject: str, args, viewer) -> dict:
    result = match_service.recommend(current_projection(), get_store(), viewer, key, subject, args["k"] or 10,
                                     match_service.Boosts.from_config(current_app.config), _constraints(args))
    return _list_json(result)


RECS = ref("Recommendations")


def _organization_list(key: str, summary: str, doc: str):
    """Register GET /recommendations/<key>: one of the lists for an organisation (default: the caller's)."""

    def view(args, viewer):
        return _recommend(key, _subject(args, "organization", viewer.organization_id), args, viewer)

    view.__name__, view.__doc__ = f"recommend_{key}", doc
    return api.endpoint("GET", f"/recommendations/{key}", summary=summary, tag="recommendations", auth="member",
                        params=(ORG_PARAM, K) + CONSTRAINT_PARAMS, response=RECS, errors=(422,))(view)


_organization_list(
    "partners", "Partners for an organisation's needs",
    "Complementary organisations: they offer what the organisation needs. Each result says why.")
_organization_list(
    "similar", "Organisations similar to one (peers, not partners)",
    "Lookalikes: same skills and topics. Kept apart from partner suggestions.")
_organization_list(
    "researchers", "Researchers for an organisation's needs",
    "Researchers whose skills cover what the organisation needs.")


@api.endpoint("GET", "/recommendations/collaborators", summary="Media organisations for a researcher",
              tag="recommendations", auth="member",
              params=(Param("person", ID, "Person id (default: the caller's person profile)."), K) + CONSTRAINT_PARAMS,
              response=RECS, errors=(422,))
def recommend_collaborators(args, viewer):
    """Media companies that need what the researcher offers."""
    return _recommend("collaborators", _subject(args, "person", viewer.person_id), args, viewer)


@api.endpoint("GET", "/recommendations/project-partners", summary="Partners for a project idea",
              tag="recommendations", auth="member",
              params=(Param("q", {"type": "string", "maxLength": 5000}, "The idea in German or English."),
                      Param("skill", {"type": "string", "maxLength": 200}, "A required skill, id or name (repeatable).",
                            repeated=True),
                      Param("partner", ID, "An organisation already on board (repeatable).", repeated=True),
                      K) + CONSTRAINT_PARAMS,
              response=RECS, errors=(422,))
def recommend_project_partners(args, viewer):
    """Free text plus skills plus constraints; partners on board are never suggested and what
    they already cover counts less."""
    store = get_store()
    skills = profiles.resolve_skills(store, args.get("skill") or [], "skill")
    result = match_service.project_partners(current_projection(), store, viewer, args.get("q") or "", skills,
                                            args.get("partner") or [], _constraints(args), args["k"] or 10,
                                            match_service.Boosts.from_config(current_app.config))
    return _list_json(result)


@api.endpoint("GET", "/recommendations/consortia", summary="Consortia for a call or a project idea",
              tag="recommendations", auth="member",
              params=(Param("call", ID, "The call id (or give an idea instead)."),
                      Param("idea", {"type": "string", "maxLength": 5000},
                            "A free project idea; its skills are suggested from the text unless `skill` is given."),
                      Param("skill", {"type": "string", "maxLength": 200}, "A required skill (id or label, repeatable).",
                            repeated=True),
                      Param("partner", ID, "An organisation already on board (repeatable).", repeated=True),
                      Param("alternatives", {"type": "integer", "minimum": 1, "maximum": 5, "default": 3},
                            "How many alternative teams.")),
              response={"type": "object", "properties": {"call": {"type": "string"}, "teams": {"type": "array", "items": {
                  "type": "object", "description": "members (with role, covered skills, reasons), covered, gaps, "
                                                   "eligibility checks, eligible, score"}}}},
              errors=(422,))
def recommend_consortia(args, viewer):
    """Alternative teams covering the call's (or the idea's) skills, with eligibility checks and open gaps."""
    teams = match_service.consortia(current_projection(), get_store(), viewer, args.get("call"),
                                    args.get("partner") or [], alternatives=args["alternatives"] or 3,
                                    boosts=match_service.Boosts.from_config(current_app.config),
                                    idea=args.get("idea") or "", skills=args.get("skill") or [])
    return {"call": args.get("call"), "teams": [plain(team.as_dict()) for team in teams]}


@api.endpoint("POST", "/feedback", summary="Feedback on a recommendation", tag="recommendations",
              auth="member", status=201, response=ref("Feedback"),
              body={"type": "object", "additionalProperties": False,
                    "required": ["subject", "target", "value"],
                    "properties": {
                        "subject": {**ID, "description": "What the list was for (organisation, person, call)."},
                        "target": {**ID, "description": "The recommended id."},
                        "value": {"type": "string", "enum": list(feedback_service.VALUES)},
                        "context": {"type": "string", "enum": list(feedback_service.CONTEXTS),
                                    "default": "partners"}}})
def give_feedback(args, viewer, body):
    """`hide` removes the result from this list from now on; the others change its ranking."""
    node = feedback_service.record_feedback(get_store(), viewer, body["subject"], body["target"],
                                            body["value"], body.get("context") or "partners")
    return {k: node[k] for k in ("id", "subject", "target", "context", "value")}
