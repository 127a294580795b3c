"""The endpoints of /api/v1. Thin: parse (done by the registry), call a service, serialise."""
from __future__ import annotations

from flask import request, url_for

from ..extensions import get_store
from ..introductions import service as intros
from ..mail import send_mail
from ..matches import feedback as feedback_service
from ..model import REGIERUNGSBEZIRKE, Label, Rel
from ..profiles import service as profiles
from ..search import service as search_service
from ..search.cache import index_cache
from ..web.i18n import current_language
from . import api
from .registry import Param
from .schemas import (
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
                                   index_cache(), labels=[Label.ORGANIZATION])
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
                                   index_cache(), labels=[Label.PERSON])
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
    result = search_service.search(get_store(), viewer, _query(args), current_language(), index_cache())
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
    from .schemas import COMPONENTS

    return api.openapi(
        {"title": "KI.M Netzwerk API", "version": "1.0.0",
         "description": "Organisations, people, skills, search, recommendations with reasons, "
                        "introductions and feedback of the KI.M Netzwerk. Reads are public as far as "
                        "visibility allows; writes need a session (with X-CSRFToken) or an API token."},
        COMPONENTS,
    )
