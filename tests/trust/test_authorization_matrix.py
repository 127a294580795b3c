"""Authorization, proven for every route: each (rule, method) of the app, requested as each role.

The EXPECTED table below classifies every route of the app for the roles of
`tests.trust.world` (anonymous, a member of org-a, a member of another organisation,
staff, admin), in that order. Outcome classes are defined in `tests.trust.world.outcome`:
ok, login, forbidden, notfound, invalid (allowed in, but the empty input was refused).
Route variables are filled with ids of the member's own records (org-a, person-a, the
introduction intro-ab that org-a sent to org-b); VARIANTS repeat routes with other ids
(hidden, members-only and pending profiles, someone else's records).

A route that is not in the table fails `test_every_route_is_classified`: a new route must
be classified here before it ships. The matrix runs on both adapters: on SQLite each
request gets a freshly seeded world; on Neo4j the world is seeded again after any request
that changed it.
"""
from __future__ import annotations

import pytest

from tests.trust.world import (
    ROLES,
    STORE_KINDS,
    World,
    all_rules,
    login_as,
    outcome,
    request_as,
    shared_world_app,
    world_for_case,
)

#   (method, rule):                                               "anonymous member other staff admin"
EXPECTED = {
    ("GET", "/"):                                                "ok ok ok ok ok",
    ("GET", "/account"):                                         "login ok ok ok ok",
    ("GET", "/account/api-token"):                               "login ok ok ok ok",
    ("POST", "/account/api-token"):                              "login ok ok ok ok",
    ("GET", "/account/delete"):                                  "login ok ok ok ok",
    ("POST", "/account/delete"):                                 "login invalid invalid invalid invalid",
    ("GET", "/account/export"):                                  "login ok ok ok ok",
    ("GET", "/analytics"):                                       "login forbidden forbidden ok ok",
    ("GET", "/api/v1/analytics"):                                "login forbidden forbidden ok ok",
    ("GET", "/api/v1/calls"):                                    "ok ok ok ok ok",
    ("GET", "/calls"):                                           "login ok ok ok ok",
    ("GET", "/staff/calls/new"):                                 "login forbidden forbidden ok ok",
    ("POST", "/staff/calls/new"):                                "login forbidden forbidden invalid invalid",
    ("POST", "/api/v1/feedback"):                                "login invalid invalid invalid invalid",
    ("GET", "/api/v1/introductions"):                            "login ok ok ok ok",
    ("POST", "/api/v1/introductions"):                           "login invalid invalid invalid invalid",
    ("GET", "/api/v1/introductions/<intro_id>"):                 "login ok notfound ok ok",
    ("POST", "/api/v1/introductions/<intro_id>/accept"):         "login forbidden notfound forbidden forbidden",
    ("POST", "/api/v1/introductions/<intro_id>/decline"):        "login forbidden notfound forbidden forbidden",
    ("POST", "/api/v1/introductions/<intro_id>/withdraw"):       "login ok notfound forbidden forbidden",
    ("POST", "/api/v1/introductions/<intro_id>/met"):            "login invalid notfound invalid invalid",
    ("POST", "/api/v1/introductions/<intro_id>/outcome"):        "login forbidden forbidden invalid invalid",
    ("GET", "/api/v1/introductions/queue"):                      "login forbidden forbidden ok ok",
    ("POST", "/api/v1/introductions/bridge"):                    "login forbidden forbidden invalid invalid",
    ("GET", "/api/v1/map"):                                      "login ok ok ok ok",
    ("GET", "/api/v1/map/export.csv"):                           "login ok ok ok ok",
    ("GET", "/api/v1/map/export.graphml"):                       "login ok ok ok ok",
    ("GET", "/api/v1/openapi.json"):                             "ok ok ok ok ok",
    ("GET", "/api/v1/organizations"):                            "ok ok ok ok ok",
    ("POST", "/api/v1/organizations"):                           "login forbidden forbidden invalid invalid",
    ("GET", "/api/v1/organizations/<org_id>"):                   "ok ok ok ok ok",
    ("PATCH", "/api/v1/organizations/<org_id>"):                 "login ok forbidden ok ok",
    ("GET", "/api/v1/people"):                                   "ok ok ok ok ok",
    ("GET", "/api/v1/people/<person_id>"):                       "ok ok ok ok ok",
    ("PATCH", "/api/v1/people/<person_id>"):                     "login ok forbidden ok ok",
    ("GET", "/api/v1/recommendations/collaborators"):            "login ok ok invalid invalid",
    ("GET", "/api/v1/recommendations/consortia"):                "login invalid invalid invalid invalid",
    ("GET", "/api/v1/recommendations/partners"):                 "login ok ok invalid invalid",
    ("GET", "/api/v1/recommendations/project-partners"):         "login invalid invalid invalid invalid",
    ("GET", "/api/v1/recommendations/researchers"):              "login ok invalid invalid invalid",
    ("GET", "/api/v1/recommendations/similar"):                  "login ok ok invalid invalid",
    ("GET", "/api/v1/search"):                                   "ok ok ok ok ok",
    ("GET", "/api/v1/skills"):                                   "ok ok ok ok ok",
    ("GET", "/events"):                                           "ok ok ok ok ok",
    ("GET", "/events/<event_id>"):                                "ok ok ok ok ok",
    ("POST", "/events/<event_id>/register"):                      "login ok ok invalid invalid",
    ("POST", "/events/<event_id>/cancel"):                        "login ok invalid invalid invalid",
    ("GET", "/events/<event_id>/preferences"):                    "login ok notfound notfound notfound",
    ("POST", "/events/<event_id>/preferences"):                   "login ok notfound notfound notfound",
    ("GET", "/events/<event_id>/participants"):                   "login ok forbidden ok ok",
    ("GET", "/events/<event_id>/suggestions"):                    "login ok notfound notfound notfound",
    ("POST", "/events/<event_id>/meetings"):                      "login invalid notfound notfound notfound",
    ("GET", "/events/<event_id>/agenda"):                         "login ok notfound notfound notfound",
    ("GET", "/events/<event_id>/agenda.ics"):                     "login ok notfound notfound notfound",
    ("POST", "/meetings/<meeting_id>/accept"):                    "login forbidden notfound forbidden forbidden",
    ("POST", "/meetings/<meeting_id>/decline"):                   "login forbidden notfound forbidden forbidden",
    ("POST", "/meetings/<meeting_id>/cancel"):                    "login ok notfound forbidden forbidden",
    ("POST", "/meetings/<meeting_id>/outcome"):                   "login invalid notfound forbidden forbidden",
    ("GET", "/staff/events/new"):                                 "login forbidden forbidden ok ok",
    ("POST", "/staff/events/new"):                                "login forbidden forbidden invalid invalid",
    ("GET", "/staff/events/<event_id>/edit"):                     "login forbidden forbidden ok ok",
    ("POST", "/staff/events/<event_id>/edit"):                    "login forbidden forbidden invalid invalid",
    ("GET", "/staff/events/<event_id>"):                          "login forbidden forbidden ok ok",
    ("POST", "/staff/events/<event_id>/schedule"):                "login forbidden forbidden ok ok",
    ("GET", "/staff/events/<event_id>/grid.csv"):                 "login forbidden forbidden ok ok",
    ("GET", "/staff/events/<event_id>/badges.pdf"):               "login forbidden forbidden ok ok",
    ("GET", "/api/v1/events"):                                    "ok ok ok ok ok",
    ("GET", "/api/v1/events/<event_id>"):                         "ok ok ok ok ok",
    ("POST", "/api/v1/events/<event_id>/registration"):           "login ok ok invalid invalid",
    ("PATCH", "/api/v1/events/<event_id>/registration"):          "login ok invalid invalid invalid",
    ("GET", "/api/v1/events/<event_id>/suggestions"):             "login ok forbidden forbidden forbidden",
    ("GET", "/api/v1/events/<event_id>/meetings"):                "login ok ok ok ok",
    ("POST", "/api/v1/events/<event_id>/meetings"):               "login invalid invalid invalid invalid",
    ("POST", "/api/v1/events/<event_id>/schedule"):               "login forbidden forbidden ok ok",
    ("POST", "/api/v1/meetings/<meeting_id>/accept"):             "login forbidden notfound forbidden forbidden",
    ("POST", "/api/v1/meetings/<meeting_id>/decline"):            "login forbidden notfound forbidden forbidden",
    ("POST", "/api/v1/meetings/<meeting_id>/cancel"):             "login ok notfound forbidden forbidden",
    ("POST", "/api/v1/meetings/<meeting_id>/outcome"):            "login invalid invalid invalid invalid",
    ("GET", "/healthz"):                                         "ok ok ok ok ok",
    ("GET", "/introductions"):                                   "login ok ok ok ok",
    ("POST", "/matches/consortium/save"):                        "login ok ok ok ok",
    ("GET", "/matches/teams"):                                   "login ok ok ok ok",
    ("GET", "/matches/teams/<team_id>"):                         "login ok notfound ok ok",
    ("GET", "/matches/teams/<team_id>.csv"):                     "login ok notfound ok ok",
    ("POST", "/matches/teams/<team_id>/delete"):                 "login ok notfound forbidden forbidden",
    ("GET", "/api/v1/skills/suggest"):                           "invalid invalid invalid invalid invalid",
    ("GET", "/introductions/<intro_id>"):                        "login ok notfound ok ok",
    ("POST", "/introductions/<intro_id>/accept"):                "login forbidden notfound forbidden forbidden",
    ("POST", "/introductions/<intro_id>/decline"):               "login forbidden notfound forbidden forbidden",
    ("POST", "/introductions/<intro_id>/withdraw"):              "login ok notfound forbidden forbidden",
    ("POST", "/introductions/<intro_id>/met"):                   "login ok notfound ok ok",
    ("POST", "/introductions/<intro_id>/outcome"):               "login forbidden forbidden invalid invalid",
    ("GET", "/introductions/queue"):                             "login forbidden forbidden ok ok",
    ("GET", "/introductions/bridge"):                            "login forbidden forbidden notfound notfound",
    ("POST", "/introductions/bridge"):                           "login forbidden forbidden notfound notfound",
    ("GET", "/introductions/new"):                               "login ok ok ok ok",
    ("POST", "/introductions/new"):                              "login invalid invalid invalid invalid",
    ("GET", "/login"):                                           "ok ok ok ok ok",
    ("POST", "/login"):                                          "invalid ok ok ok ok",
    ("POST", "/logout"):                                         "ok ok ok ok ok",
    ("GET", "/map"):                                             "login ok ok ok ok",
    ("GET", "/matches"):                                         "login ok ok ok ok",
    ("GET", "/matches/consortium"):                              "login ok ok ok ok",
    ("POST", "/matches/feedback"):                               "login invalid invalid invalid invalid",
    ("GET", "/matches/project"):                                 "login ok ok ok ok",
    ("GET", "/me"):                                              "login ok ok ok ok",
    ("GET", "/notifications"):                                   "login ok ok ok ok",
    ("POST", "/notifications/read"):                             "login ok ok ok ok",
    ("GET", "/organizations/<org_id>"):                          "ok ok ok ok ok",
    ("POST", "/organizations/<org_id>/confirm"):                 "login ok forbidden ok ok",
    ("GET", "/organizations/<org_id>/edit"):                     "login ok forbidden ok ok",
    ("POST", "/organizations/<org_id>/edit"):                    "login invalid forbidden invalid invalid",
    ("GET", "/people/<person_id>"):                              "ok ok ok ok ok",
    ("POST", "/people/<person_id>/confirm"):                     "login ok forbidden ok ok",
    ("GET", "/people/<person_id>/edit"):                         "login ok forbidden ok ok",
    ("POST", "/people/<person_id>/edit"):                        "login invalid forbidden invalid invalid",
    ("GET", "/privacy"):                                         "ok ok ok ok ok",
    ("GET", "/privacy/consent/<version>"):                       "ok ok ok ok ok",
    ("GET", "/register"):                                        "ok ok ok ok ok",
    ("POST", "/register"):                                       "invalid ok ok ok ok",
    ("GET", "/reset"):                                           "ok ok ok ok ok",
    ("POST", "/reset"):                                          "invalid invalid invalid invalid invalid",
    ("GET", "/reset/<token>"):                                   "invalid invalid invalid invalid invalid",
    ("POST", "/reset/<token>"):                                  "invalid invalid invalid invalid invalid",
    ("GET", "/search"):                                          "ok ok ok ok ok",
    ("GET", "/staff/accounts"):                                  "login forbidden forbidden ok ok",
    ("POST", "/staff/accounts/<account_id>/approve"):            "login forbidden forbidden ok ok",
    ("POST", "/staff/accounts/<account_id>/reject"):             "login forbidden forbidden ok ok",
    ("GET", "/staff/audit"):                                     "login forbidden forbidden ok ok",
    ("GET", "/staff/merge"):                                     "login forbidden forbidden ok ok",
    ("POST", "/staff/merge"):                                    "login forbidden forbidden invalid invalid",
}

# The same routes with other ids: visibility and other people's records.
VARIANTS = [
    ("GET", "/organizations/<org_id>", {"org_id": "org-hidden"}, "notfound notfound notfound ok ok"),
    ("GET", "/organizations/<org_id>", {"org_id": "org-members"}, "notfound ok ok ok ok"),
    ("GET", "/organizations/<org_id>", {"org_id": "org-pending"}, "notfound notfound notfound ok ok"),
    ("GET", "/organizations/<org_id>", {"org_id": "no-such-org"}, "notfound notfound notfound notfound notfound"),
    ("GET", "/people/<person_id>", {"person_id": "person-hidden"}, "notfound notfound notfound ok ok"),
    ("GET", "/api/v1/organizations/<org_id>", {"org_id": "org-hidden"}, "notfound notfound notfound ok ok"),
    ("GET", "/api/v1/organizations/<org_id>", {"org_id": "org-members"}, "notfound ok ok ok ok"),
    ("GET", "/api/v1/organizations/<org_id>", {"org_id": "org-pending"}, "notfound notfound notfound ok ok"),
    ("GET", "/api/v1/people/<person_id>", {"person_id": "person-hidden"}, "notfound notfound notfound ok ok"),
    ("GET", "/organizations/<org_id>/edit", {"org_id": "org-c"}, "login forbidden ok ok ok"),
    ("GET", "/organizations/<org_id>/edit", {"org_id": "org-hidden"}, "login notfound notfound ok ok"),
    ("POST", "/organizations/<org_id>/confirm", {"org_id": "org-c"}, "login forbidden ok ok ok"),
    ("PATCH", "/api/v1/organizations/<org_id>", {"org_id": "org-c"}, "login forbidden ok ok ok"),
    ("PATCH", "/api/v1/organizations/<org_id>", {"org_id": "org-hidden"}, "login notfound notfound ok ok"),
    ("GET", "/people/<person_id>/edit", {"person_id": "person-c"}, "login forbidden ok ok ok"),
    ("PATCH", "/api/v1/people/<person_id>", {"person_id": "person-c"}, "login forbidden ok ok ok"),
    ("PATCH", "/api/v1/people/<person_id>", {"person_id": "person-hidden"}, "login notfound notfound ok ok"),
    ("GET", "/introductions/<intro_id>", {"intro_id": "no-such-intro"}, "login notfound notfound notfound notfound"),
    ("GET", "/api/v1/introductions/<intro_id>", {"intro_id": "no-such-intro"},
     "login notfound notfound notfound notfound"),
    ("GET", "/events/<event_id>", {"event_id": "no-such-event"}, "notfound notfound notfound notfound notfound"),
    ("GET", "/api/v1/events/<event_id>", {"event_id": "no-such-event"},
     "notfound notfound notfound notfound notfound"),
    ("POST", "/meetings/<meeting_id>/accept", {"meeting_id": "no-such-meeting"},
     "login notfound notfound notfound notfound"),
    ("POST", "/api/v1/meetings/<meeting_id>/cancel", {"meeting_id": "no-such-meeting"},
     "login notfound notfound notfound notfound"),
]


def _served() -> set[tuple[str, str]]:
    return {(method, rule) for rule, method in all_rules() if not rule.startswith("/static/")}


def test_every_route_is_classified():
    missing = sorted(_served() - set(EXPECTED))
    stale = sorted(set(EXPECTED) - _served())
    assert not missing, f"routes without an entry in EXPECTED (classify them): {missing}"
    assert not stale, f"EXPECTED lists routes the app no longer serves: {stale}"
    for key, row in EXPECTED.items():
        assert len(row.split()) == len(ROLES), key


CASES = [
    pytest.param(method, rule, None, role, expected, id=f"{method} {rule} as {role}")
    for (method, rule), row in sorted(EXPECTED.items(), key=lambda item: (item[0][1], item[0][0]))
    for role, expected in zip(ROLES, row.split())
] + [
    pytest.param(method, rule, ids, role, expected, id=f"{method} {rule} {ids} as {role}")
    for method, rule, ids, row in VARIANTS
    for role, expected in zip(ROLES, row.split())
]


@pytest.fixture(scope="module", params=STORE_KINDS)
def shared_app(request, tmp_path_factory):
    return shared_world_app(request, tmp_path_factory, "matrix")


@pytest.mark.parametrize("method,rule,ids,role,expected", CASES)
def test_route_access(shared_app, tmp_path, method, rule, ids, role, expected):
    app, store, close = world_for_case(shared_app, tmp_path)
    try:
        world = World()
        client = app.test_client()
        login_as(client, store, role)
        response = request_as(client, world, role, method, rule, ids)
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        assert outcome(response) == expected, f"{response.status_code} {response.headers.get('Location', '')}"
    finally:
        close()
