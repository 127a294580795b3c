"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis).

Schemathesis reads /api/v1/openapi.json and generates, for every operation, valid
(positive) and invalid (negative) parameters and bodies, which go to the WSGI app
in-process. The check is the one that matters for trust: no answer is a server error.

Bounded and deterministic (hypothesis `derandomize`, a fixed number of examples per
operation and mode), so the run takes well under two minutes and fails the same way every
time. The member's run is repeated, with fewer examples, against Neo4j. Schemathesis' own pytest plugin does not run under pytest 9 (it reads a private
attribute pytest removed), so each operation is driven here with hypothesis directly from
`operation.as_strategy(mode)`.

Generated ids almost never name anything, so the operations on one event or meeting would
only ever answer 404. They run once more with the world's real event and meeting in the
path and generated bodies and queries, as member and as staff, on SQLite and on Neo4j:
registration changes, meeting requests, answers, outcomes and the scheduler's run then
reach the services and the store.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.trust.world import ACCOUNTS, seed_incoming_request, seed_world, sqlite_app

EXAMPLES = 10  # per operation, mode and role


def _document() -> dict:
    """The OpenAPI document (building the app touches no database)."""
    from tests.support.app import make_app

    return make_app().test_client().get("/api/v1/openapi.json").get_json()


DOCUMENT = _document()
OPERATIONS = sorted((method.upper(), path) for path, ops in DOCUMENT["paths"].items() for method in ops)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory):
    from kim_network.services.accounts import issue_api_token

    app, store = sqlite_app(tmp_path_factory.mktemp("fuzz"))
    seed_world(store)
    ids = {"event_id": "event-1", "meeting_id": seed_incoming_request(store)}
    headers = {"anonymous": {}}
    for role in ("member", "staff"):
        headers[role] = {"Authorization": f"Bearer {issue_api_token(store, ACCOUNTS[role]['id'])}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    yield schema, headers, ids
    store.close()


def test_the_document_lists_operations():
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error(fuzz_world, method, path, mode, role):
    schema, headers, _ids = fuzz_world
    operation = schema[path][method.lower()]

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def call(case):
        case.call_and_validate(headers=headers[role], checks=[not_a_server_error])

    call()


# Operations on one event or meeting run with real ids in their path: the world's event-1, and
# the meeting Carl asks the member for in the fixtures (`seed_incoming_request`), so the
# member's answers, cancellations and outcomes reach the workflow and staff the scheduler.
REAL_ID_NAMES = ("event_id", "meeting_id")


def _real_ids(path: str, ids: dict) -> dict[str, str]:
    return {name: ids[name] for name in REAL_ID_NAMES if "{%s}" % name in path}


def _real_id_cases() -> list:
    """(method, path, mode) for every operation on one event or meeting; invalid cases only
    where a query or a body is left to break once the path parameters are fixed."""
    cases = []
    for method, path in OPERATIONS:
        if not any("{%s}" % name in path for name in REAL_ID_NAMES):
            continue
        spec = DOCUMENT["paths"][path][method.lower()]
        ids = f"{method} {path}"
        cases.append(pytest.param(method, path, GenerationMode.POSITIVE, id=f"{ids}-valid"))
        if "requestBody" in spec or any(p.get("in") == "query" for p in spec.get("parameters", [])):
            cases.append(pytest.param(method, path, GenerationMode.NEGATIVE, id=f"{ids}-invalid"))
    return cases


ON_REAL_IDS = _real_id_cases()


def test_the_event_operations_run_on_real_ids():
    paths = {case.values[1] for case in ON_REAL_IDS}
    assert paths >= {"/api/v1" + p for p in ("/events/{event_id}/meetings", "/events/{event_id}/registration",
                                             "/events/{event_id}/schedule", "/meetings/{meeting_id}/accept",
                                             "/meetings/{meeting_id}/outcome")}
    assert sum(case.values[2] == GenerationMode.NEGATIVE for case in ON_REAL_IDS) >= 6


def _run_on_real_ids(schema, headers, ids, method, path, mode, examples):
    operation = schema[path][method.lower()]
    fixed = _real_ids(path, ids)

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode, path_parameters=fixed))
    def call(case):
        assert all(case.path_parameters[k] == v for k, v in fixed.items())
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    call()


@pytest.mark.parametrize("role", ["member", "staff"])
@pytest.mark.parametrize("method,path,mode", ON_REAL_IDS)
def test_no_server_error_on_real_events_and_meetings(fuzz_world, method, path, mode, role):
    schema, headers, ids = fuzz_world
    _run_on_real_ids(schema, headers[role], ids, method, path, mode, EXAMPLES)


NEO4J_EXAMPLES = 6


@pytest.fixture(scope="module")
def neo4j_fuzz_world(neo4j_session_store, tmp_path_factory):
    from kim_network.services.accounts import issue_api_token
    from tests.trust.world import use_store

    app, sqlite_store = sqlite_app(tmp_path_factory.mktemp("fuzz-neo4j"))
    sqlite_store.close()
    store = neo4j_session_store
    store.clear()
    use_store(app, store)
    seed_world(store)
    ids = {"event_id": "event-1", "meeting_id": seed_incoming_request(store)}
    headers = {role: {"Authorization": f"Bearer {issue_api_token(store, ACCOUNTS[role]['id'])}"}
               for role in ("member", "staff")}
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers, ids
    store.clear()


@pytest.mark.neo4j
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_on_neo4j(neo4j_fuzz_world, method, path, mode):
    schema, headers, _ids = neo4j_fuzz_world
    operation = schema[path][method.lower()]

    @settings(max_examples=NEO4J_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def call(case):
        case.call_and_validate(headers=headers["member"], checks=[not_a_server_error])

    call()


@pytest.mark.neo4j
@pytest.mark.parametrize("role", ["member", "staff"])
@pytest.mark.parametrize("method,path,mode", ON_REAL_IDS)
def test_no_server_error_on_real_events_and_meetings_on_neo4j(neo4j_fuzz_world, method, path, mode, role):
    schema, headers, ids = neo4j_fuzz_world
    _run_on_real_ids(schema, headers[role], ids, method, path, mode, NEO4J_EXAMPLES)
