"""/api/v1/people: list, read and change people."""
from __future__ import annotations

from kim_network.api.v1 import api
from kim_network.api.profiles import profile_json, split_body
from kim_network.api.schemas import KIND, PAGE, PER_PAGE, Q, REGION, SKILL, path_id, profile_write, ref
from kim_network.api.search import page_json, search_query
from kim_network.core.model import Label
from kim_network.extensions import get_caches, get_store
from kim_network.services import profiles
from kim_network.services import search as search_service
from kim_network.web.i18n import current_language


@api.endpoint("GET", "/people", summary="List people", tag="people",
              params=(Q, KIND, REGION, SKILL, PAGE, PER_PAGE), response=ref("SummaryPage"))
def list_people(args, viewer):
    """Researchers, experts and media professionals the caller may see."""
    result = search_service.search(get_store(), viewer, search_query(args, "person"), current_language(),
                                   get_caches().search, labels=[Label.PERSON])
    return page_json(result)


@api.endpoint("GET", "/people/{person_id}", summary="One person", tag="people",
              params=(path_id("person_id", "Person id."),), response=ref("Profile"), errors=(404,))
def get_person(person_id, args, viewer):
    """E-mail and phone only as far as the person's field visibility allows."""
    return profile_json(Label.PERSON, person_id, viewer)


@api.endpoint("PATCH", "/people/{person_id}", summary="Change a person", tag="people", auth="member",
              params=(path_id("person_id", "Person id."),), body=profile_write(Label.PERSON),
              response=ref("Profile"), errors=(404,))
def update_person(person_id, args, viewer, body):
    """Members change their own person profile, staff any."""
    props, skills = split_body(Label.PERSON, body)
    profiles.update_profile(get_store(), viewer, Label.PERSON, person_id, props, skills)
    return profile_json(Label.PERSON, person_id, viewer)
