"""The endpoints of /api/v1. Thin: parse (done by the registry), call a service, serialise."""
from __future__ import annotations

from flask import current_app, request, url_for

from kim_network.extensions import get_store
from kim_network.services import introductions as intros
from kim_network.web.mail import send_mail
from kim_network.services import feedback as feedback_service
from kim_network.services import recommendations as match_service
from kim_network.extensions import current_projection
from kim_network.matching.consortium import build_consortia, requirements
from kim_network.matching.types import Constraints
from kim_network.core.model import REGIERUNGSBEZIRKE, Label, Rel
from kim_network.services import profiles as profiles
from kim_network.services import search as search_service
from kim_network.extensions import get_caches
from kim_network.web.i18n import current_language
from kim_network.api import api
from kim_network.api.registry import ApiError, Param
from kim_network.api.schemas import (
    ID,
    KIND,
    LIMIT,
    PAGE,
    PER_PAGE,
    Q,
    REGION,
    SKILL,
    SME,
    path_id,
    profile_write,
    ref,
)

SKILL_KEYS = {"skills": Rel.HAS_SKILL, "offers": Rel.OFFERS, "needs": Rel.NEEDS}


# -- serialisers ---------------------------------------------------------------------------


def summary(item: search_service.Result) -> dict:
    node = item.node
    is_org = item.label is Label.ORGANIZATION
    region = node.get("region")
    return {
        "id": item.id,
        "type": "organization" if is_org else "person",
        "name": item.name,
        "kind": node.get("kind"),
        "sme": node.get("sme") if is_org else None,
        "city": node.get("city"),
        "region": region,
        "region_name": REGIERUNGSBEZIRKE.get(region or "", region),
        "skills": [{"id": sid, "name": name} for sid, name in item.skills],
        "url": _profile_url(item.label, item.id),
    }


def _profile_url(label: Label, node_id: str) -> str:
    if label is Label.ORGANIZATION:
        return url_for("profiles.organization", org_id=node_id)
    return url_for("profiles.person", person_id=node_id)


def _page(result: search_service.SearchResult, facets: bool = False) -> dict:
    out = {
        "items": [summary(i) for i in result.items],
        "total": result.total,
        "page": result.query.page,
        "per_page": result.query.per_page,
        "pages": result.pages,
    }
    if facets:
        out["facets"] = {name: [f.__dict__ for f in values] for name, values in result.facets.items()}
    return out


def _query(args: dict, type_: str | None = None) -> search_service.SearchQuery:
    return search_service.SearchQuery(
        text=args.get("q") or "", kinds=tuple(args.get("kind") or ()), skill=args.get("skill"),
        region=args.get("region"), sme=args.get("sme"), type=type_ or args.get("type"),
        page=args.get("page") or 1, per_page=args.get("per_page") or 20,
    )


def _profile_json(label: Label, node_id: str, viewer) -> dict:
    profile = profiles.load_profile(get_store(), viewer, label, node_id, current_language())
    data = profile.as_json()
    data["confirmed_at"] = profile.confirmed_at.isoformat() if profile.confirmed_at else None
    data["url"] = _profile_url(label, node_id)
    return data


def _split_body(label: Label, body: dict) -> tuple[dict, dict]:
    store = get_store()
    props = {k: ("" if v is None else v) for k, v in body.items() if k not in SKILL_KEYS and k != "id"}
    skills = {SKILL_KEYS[k]: profiles.resolve_skills(store, v, k) for k, v in body.items() if k in SKILL_KEYS}
    return props, skills


# -- organisations and people ---------------------------------------------------------------

LIST_PARAMS = (Q, KIND, REGION, SME, SKILL, PAGE, PER_PAGE)


@api.endpoint("GET", "/organizations", summary="List organisations", tag="organizations",
              params=LIST_PARAMS, response=ref("SummaryPage"))
def list_organizations(args, viewer):
    """Organisations the caller may see, alphabetically (or by relevance with `q`), with filters."""
    result = search_service.search(get_store(), viewer, _query(args, "organization"), current_language(),
                                   get_caches().search, labels=[Label.ORGANIZATION])
    return _page(result)


@api.endpoint("POST", "/organizations", summary="Create an organisation", tag="organizations",
              auth="staff", body=profile_write(Label.ORGANIZATION, create=True), response=ref("Profile"),
              status=201, errors=(409,))
def create_organization(args, viewer, body):
    """Staff only. Skills may be given by id or by name."""
    store = get_store()
    props, skills = _split_body(Label.ORGANIZATION, body)
    if "id" in body:
        props["id"] = body["id"]
    node = profiles.create_organization(store, viewer, props)
    for rel, ids in skills.items():
        profiles.set_skills(store, Label.ORGANIZATION, node["id"], rel, ids)
    return _profile_json(Label.ORGANIZATION, node["id"], viewer)


@api.endpoint("GET", "/organizations/{org_id}", summary="One organisation", tag="organizations",
              params=(path_id("org_id", "Organisation id."),), response=ref("Profile"), errors=(404,))
def get_organization(org_id, args, viewer):
    """404 also when the caller may not see it."""
    return _profile_json(Label.ORGANIZATION, org_id, viewer)


@api.endpoint("PATCH", "/organizations/{org_id}", summary="Change an organisation", tag="organizations",
              auth="member", params=(path_id("org_id", "Organisation id."),),
              body=profile_write(Label.ORGANIZATION), response=ref("Profile"), errors=(404,))
def update_organization(org_id, args, viewer, body):
    """Members change their own organisation, staff any. `null` removes an optional property."""
    props, skills = _split_body(Label.ORGANIZATION, body)
    profiles.update_profile(get_store(), viewer, Label.ORGANIZATION, org_id, props, skills)
    return _profile_json(Label.ORGANIZATION, org_id, viewer)


@api.endpoint("GET", "/people", summary="List people", tag="people",
              params=(Q, KIND, REGION, SKILL, PAGE, PER_PAGE), response=ref("SummaryPage"))
def list_people(args, viewer):
    """Researchers, experts and media professionals the caller may see."""
    result = search_service.search(get_store(), viewer, _query(args, "person"), current_language(),
                                   get_caches().search, labels=[Label.PERSON])
    return _page(result)


@api.endpoint("GET", "/people/{person_id}", summary="One person", tag="people",
              params=(path_id("person_id", "Person id."),), response=ref("Profile"), errors=(404,))
def get_person(person_id, args, viewer):
    """E-mail and phone only as far as the person's field visibility allows."""
    return _profile_json(Label.PERSON, person_id, viewer)


@api.endpoint("PATCH", "/people/{person_id}", summary="Change a person", tag="people", auth="member",
              params=(path_id("person_id", "Person id."),), body=profile_write(Label.PERSON),
              response=ref("Profile"), errors=(404,))
def update_person(person_id, args, viewer, body):
    """Members change their own person profile, staff any."""
    props, skills = _split_body(Label.PERSON, body)
    profiles.update_profile(get_store(), viewer, Label.PERSON, person_id, props, skills)
    return _profile_json(Label.PERSON, person_id, viewer)


# -- skills and search ------------------------------------------------------------------------


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


@api.endpoint("GET", "/search", summary="Search organisations and people with facets", tag="search",
              params=(Q, Param("type", {"type": "string", "enum": ["organization", "person"]},
                               "Only organisations or only people."), KIND, SKILL, REGION, SME, PAGE, PER_PAGE),
              response=ref("SearchResult"))
def search(args, viewer):
    """Without `q`, every visible member alphabetically. Facet counts include only what the caller may see."""
    result = search_service.search(get_store(), viewer, _query(args), current_language(), get_caches().search)
    return _page(result, facets=True)


# -- introductions -----------------------------------------------------------------------------


def intro_json(intro: dict, viewer) -> dict:
    store = get_store()
    names = store.get_nodes(Label.ORGANIZATION, [i for i in (intro.get("target_org"), intro.get("requester_org")) if i])

    def org(org_id):
        if not org_id:
            return None
        node = names.get(org_id)
        return {"id": org_id, "name": node.get("name") if node else org_id}

    if intros.is_recipient_side(viewer, intro):
        direction = "received"
    elif intros.is_requester_side(viewer, intro):
        direction = "sent"
    else:
        direction = "other"
    account = store.get_node(Label.ACCOUNT, intro["requester_account"]) or {}
    return {
        "id": intro["id"],
        "status": intro["status"],
        "direction": direction,
        "requester": account.get("name") or intro["requester_account"],
        "requester_org": org(intro.get("requester_org")),
        "target_org": org(intro.get("target_org")),
        "message": intro.get("message"),
        "reply": intro.get("reply"),
        "created_at": intro.get("created_at"),
        "answered_at": intro.get("answered_at"),
        "contacts": intros.contacts(store, viewer, intro),
    }


def _mailer():
    return send_mail


def _base_url() -> str:
    return request.host_url.rstrip("/")


@api.endpoint("GET", "/introductions", summary="My introductions", tag="introductions", auth="member",
              response={"type": "object", "properties": {
                  "sent": {"type": "array", "items": ref("Introduction")},
                  "received": {"type": "array", "items": ref("Introduction")}}})
def list_introductions(args, viewer):
    """Requests I (or colleagues) sent, and requests my organisation received."""
    mine = intros.for_viewer(get_store(), viewer)
    return {"sent": [intro_json(i, viewer) for i in mine.sent],
            "received": [intro_json(i, viewer) for i in mine.received]}


@api.endpoint("POST", "/introductions", summary="Ask for an introduction", tag="introductions",
              auth="member", status=201, errors=(404, 409), response=ref("Introduction"),
              body={"type": "object", "additionalProperties": False, "required": ["target_org", "message"],
                    "properties": {
                        "target_org": ID,
                        "message": {"type": "string", "minLength": 1, "maxLength": intros.MAX_MESSAGE},
                        "reasons": {"type": "string", "maxLength": 5000,
                                    "description": "Why this match was suggested (shown to the recipient)."}}})
def create_introduction(args, viewer, body):
    """The organisation's members are notified; contact details follow only after acceptance."""
    intro = intros.request_introduction(get_store(), viewer, body["target_org"], body["message"],
                                        body.get("reasons") or "", mailer=_mailer(), base_url=_base_url())
    return intro_json(intro, viewer)


@api.endpoint("GET", "/introductions/{intro_id}", summary="One introduction", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404,))
def get_introduction(intro_id, args, viewer):
    """Both sides and staff; 404 for anyone else."""
    return intro_json(intros.get_introduction(get_store(), viewer, intro_id), viewer)


REPLY = {"type": "object", "additionalProperties": False,
         "properties": {"reply": {"type": "string", "maxLength": intros.MAX_MESSAGE}}}


def _answer(intro_id, viewer, body, accept: bool):
    intro = intros.answer(get_store(), viewer, intro_id, accept, (body or {}).get("reply"),
                          mailer=_mailer(), base_url=_base_url())
    return intro_json(intro, viewer)


@api.endpoint("POST", "/introductions/{intro_id}/accept", summary="Accept a request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), body=REPLY, body_required=False,
              response=ref("Introduction"), errors=(404, 409))
def accept_introduction(intro_id, args, viewer, body):
    """Members of the requested organisation only; reveals both sides' contact details."""
    return _answer(intro_id, viewer, body, True)


@api.endpoint("POST", "/introductions/{intro_id}/decline", summary="Decline a request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), body=REPLY, body_required=False,
              response=ref("Introduction"), errors=(404, 409))
def decline_introduction(intro_id, args, viewer, body):
    """Members of the requested organisation only."""
    return _answer(intro_id, viewer, body, False)


@api.endpoint("POST", "/introductions/{intro_id}/withdraw", summary="Withdraw my request", tag="introductions",
              auth="member", params=(path_id("intro_id", "Introduction id."),), response=ref("Introduction"),
              errors=(404, 409))
def withdraw_introduction(intro_id, args, viewer):
    """The requester only, while the request is open."""
    return intro_json(intros.withdraw(get_store(), viewer, intro_id), viewer)


# -- recommendations ---------------------------------------------------------------------------

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
    data["url"] = _profile_url(Label(match.rec.label), match.rec.id)
    data["introduction_to"] = match.contact_org
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


@api.endpoint("GET", "/recommendations/partners", summary="Partners for an organisation's needs",
              tag="recommendations", auth="member", params=(ORG_PARAM, K) + CONSTRAINT_PARAMS, response=RECS,
              errors=(422,))
def recommend_partners(args, viewer):
    """Complementary organisations: they offer what the organisation needs. Each result says why."""
    return _recommend("partners", _subject(args, "organization", viewer.organization_id), args, viewer)


@api.endpoint("GET", "/recommendations/similar", summary="Organisations similar to one (peers, not partners)",
              tag="recommendations", auth="member", params=(ORG_PARAM, K) + CONSTRAINT_PARAMS, response=RECS,
              errors=(422,))
def recommend_similar(args, viewer):
    """Lookalikes: same skills and topics. Kept apart from partner suggestions."""
    return _recommend("similar", _subject(args, "organization", viewer.organization_id), args, viewer)


@api.endpoint("GET", "/recommendations/researchers", summary="Researchers for an organisation's needs",
              tag="recommendations", auth="member", params=(ORG_PARAM, K) + CONSTRAINT_PARAMS, response=RECS,
              errors=(422,))
def recommend_researchers(args, viewer):
    """Researchers whose skills cover what the organisation needs."""
    return _recommend("researchers", _subject(args, "organization", viewer.organization_id), args, viewer)


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


@api.endpoint("GET", "/recommendations/consortia", summary="Consortia for a call", tag="recommendations",
              auth="member",
              params=(Param("call", ID, "The call id.", required=True),
                      Param("partner", ID, "An organisation already on board (repeatable).", repeated=True),
                      Param("alternatives", {"type": "integer", "minimum": 1, "maximum": 5, "default": 3},
                            "How many alternative teams.")),
              response={"type": "object", "properties": {"call": {"type": "string"}, "teams": {"type": "array", "items": {
                  "type": "object", "description": "members (with role, covered skills, reasons), covered, gaps, "
                                                   "eligibility checks, eligible, score"}}}},
              errors=(422,))
def recommend_consortia(args, viewer):
    """Alternative teams covering the call's skills, with eligibility checks and open gaps."""
    store, proj = get_store(), current_projection()
    req = requirements(proj, args["call"], viewer)
    for pid in args.get("partner") or []:
        idx = proj.actor_index.get(pid)
        if idx is None or proj.actor_label[idx] != Label.ORGANIZATION.value:
            raise ApiError(422, "Unknown partner.", {"partner": f"unknown organisation {pid}"})
        if idx not in req.partners:
            req.partners.append(idx)
    req.max_size = max(req.max_size, len(req.partners))
    boosts = match_service.Boosts.from_config(current_app.config)
    teams = build_consortia(proj, req, args["alternatives"] or 3, viewer,
                            feedback=match_service.feedback_rows(store, viewer, args["call"], "consortia"),
                            sme_boost=boosts.sme, newcomer_boost=boosts.newcomer)
    return {"call": args["call"], "teams": [plain(team.as_dict()) for team in teams]}


# -- feedback ------------------------------------------------------------------------------------


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


# -- the document itself ---------------------------------------------------------------------------


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
