"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis).

Schemathesis reads /api/v1/openapi.json and generates, for every operation, valid
(positive) and invalid (negative) parameters and bodies, which go to the WSGI app
in-process. The check is the one that matters for trust: no answer is a server error.

Bounded and deterministic (hypothesis `derandomize`, a fixed number of examples per
operation and mode), so the run takes well under two minutes and fails the same way every
time. The member's run is repeated, with fewer examples, against Neo4j. Schemathesis' own pytest plugin does not run under pytest 9 (it reads a private
attribute pytest removed), so each operation is driven here with hypothesis directly from
`operation.as_strategy(mode)`.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.trust.world import ACCOUNTS, seed_world, sqlite_app

EXAMPLES = 10  # per operation, mode and role


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document (building the app touches no database)."""
    from kim_network import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "KIM_DEMO": False, "NEO4J_URI": None})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return sorted((method.upper(), path) for path, ops in document["paths"].items() for method in ops)


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory):
    from kim_network.services.accounts import issue_api_token

    app, store = sqlite_app(tmp_path_factory.mktemp("fuzz"))
    seed_world(store)
    headers = {"anonymous": {}}
    for role in ("member", "staff"):
        headers[role] = {"Authorization": f"Bearer {issue_api_token(store, ACCOUNTS[role]['id'])}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    yield schema, headers
    store.close()


def test_the_document_lists_operations():
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error(fuzz_world, method, path, mode, role):
    schema, headers = fuzz_world
    operation = schema[path][method.lower()]

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def call(case):
        case.call_and_validate(headers=headers[role], checks=[not_a_server_error])

    call()


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
    headers = {"Authorization": f"Bearer {issue_api_token(store, ACCOUNTS['member']['id'])}"}
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers
    store.clear()


@pytest.mark.neo4j
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_on_neo4j(neo4j_fuzz_world, method, path, mode):
    schema, headers = neo4j_fuzz_world
    operation = schema[path][method.lower()]

    @settings(max_examples=NEO4J_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def call(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    call()
