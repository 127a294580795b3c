"""/api/v1/organizations: list, create (staff), read and change organisations."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.profiles import profile_json, split_body
from kim_network.api.schemas import KIND, PAGE, PER_PAGE, Q, REGION, SKILL, SME, path_id, profile_write, ref
from kim_network.api.search import page_json, search_query
from kim_network.core.model import Label
from kim_network.extensions import get_caches, get_store
from kim_network.services import profiles
from kim_network.services import search as search_service
from kim_network.web.i18n import current_language


LIST_PARAMS = (Q, KIND, REGION, SME, SKILL, PAGE, PER_PAGE)


@api.endpoint("GET", "/organizations", summary="List organisations", tag="organizations",
              params=LIST_PARAMS, response=ref("SummaryPage"))
def list_organizations(args, viewer):
    """Organisations the caller may see, alphabetically (or by relevance with `q`), with filters."""
    result = search_service.search(get_store(), viewer, search_query(args, "organization"), current_language(),
                                   get_caches().search, labels=[Label.ORGANIZATION])
    return page_json(result)


@api.endpoint("POST", "/organizations", summary="Create an organisation", tag="organizations",
              auth="staff", body=profile_write(Label.ORGANIZATION, create=True), response=ref("Profile"),
              status=201, errors=(409,))
def create_organization(args, viewer, body):
    """Staff only. Skills may be given by id or by name."""
    store = get_store()
    props, skills = split_body(Label.ORGANIZATION, body)
    if "id" in body:
        props["id"] = body["id"]
    node = profiles.create_organization(store, viewer, props)
    for rel, ids in skills.items():
        profiles.set_skills(store, Label.ORGANIZATION, node["id"], rel, ids)
    return profile_json(Label.ORGANIZATION, node["id"], viewer)


@api.endpoint("GET", "/organizations/{org_id}", summary="One organisation", tag="organizations",
              params=(path_id("org_id", "Organisation id."),), response=ref("Profile"), errors=(404,))
def get_organization(org_id, args, viewer):
    """404 also when the caller may not see it."""
    return profile_json(Label.ORGANIZATION, org_id, viewer)


@api.endpoint("PATCH", "/organizations/{org_id}", summary="Change an organisation", tag="organizations",
              auth="member", params=(path_id("org_id", "Organisation id."),),
              body=profile_write(Label.ORGANIZATION), response=ref("Profile"), errors=(404,))
def update_organization(org_id, args, viewer, body):
    """Members change their own organisation, staff any. `null` removes an optional property."""
    props, skills = split_body(Label.ORGANIZATION, body)
    profiles.update_profile(get_store(), viewer, Label.ORGANIZATION, org_id, props, skills)
    return profile_json(Label.ORGANIZATION, org_id, viewer)
