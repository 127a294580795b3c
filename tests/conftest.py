"""Shared fixtures: a store of each kind, the app, its test client and an auth helper.

The Neo4j store runs against a real server (see scripts/neo4j_local.sh). It is used
when one answers at NEO4J_TEST_URI (default bolt://127.0.0.1:7687); with
REQUIRE_NEO4J=1 a missing server fails the run instead of skipping those tests.
"""
from __future__ import annotations

import os
import re
import socket
from urllib.parse import urlparse

import pytest

from kim_network.core.model import Label
from kim_network.store.sqlite import SQLiteStore

# No background warm-up in tests: apps made with production settings would otherwise start
# whole-graph builds on a store the test closes a moment later.
os.environ["KIM_WARM_UP"] = "0"

NEO4J_URI = os.environ.get("NEO4J_TEST_URI", "bolt://127.0.0.1:7687")
NEO4J_PASSWORD = os.environ.get("NEO4J_TEST_PASSWORD", os.environ.get("NEO4J_PASSWORD", "kim-dev-password"))
REQUIRE_NEO4J = os.environ.get("REQUIRE_NEO4J") == "1"
_MARKER = "KimTestDatabase"


def _neo4j_reachable() -> bool:
    url = urlparse(NEO4J_URI)
    try:
        with socket.create_connection((url.hostname, url.port or 7687), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def neo4j_session_store():
    """One Neo4j store for the whole run; refuses a database that holds foreign data."""
    if not _neo4j_reachable():
        if REQUIRE_NEO4J:
            pytest.fail(f"REQUIRE_NEO4J=1 but no Neo4j answers at {NEO4J_URI}", pytrace=False)
        pytest.skip(f"no Neo4j at {NEO4J_URI} (start one with `make neo4j`)")
    from kim_network.store.neo4j import Neo4jStore

    store = Neo4jStore(NEO4J_URI, "neo4j", NEO4J_PASSWORD)
    records, _, _ = store.driver.execute_query(
        "OPTIONAL MATCH (m:" + _MARKER + ") WITH count(m) AS marked "
        "OPTIONAL MATCH (n) RETURN marked, count(n) AS nodes"
    )
    marked, nodes = records[0]["marked"], records[0]["nodes"]
    if nodes and not marked and os.environ.get("KIM_TEST_ALLOW_WIPE") != "1":
        store.close()
        pytest.fail(
            f"the Neo4j at {NEO4J_URI} holds {nodes} nodes that tests did not create; "
            "point NEO4J_TEST_URI at a test server or set KIM_TEST_ALLOW_WIPE=1",
            pytrace=False,
        )
    store.driver.execute_query("MERGE (:" + _MARKER + " {id: 'tests'})")
    store.migrate()
    yield store
    store.clear()
    store.close()


def _store_params():
    return ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=_store_params())
def store(request, tmp_path):
    """An empty, migrated store of each kind; cleared again afterwards."""
    if request.param == "sqlite":
        s = SQLiteStore(str(tmp_path / "store.sqlite3"))
        s.migrate()
        yield s
        s.close()
    else:
        s = request.getfixturevalue("neo4j_session_store")
        s.clear()
        yield s
        s.clear()


def gen_org(i: int = 1, **overrides) -> dict:
    """A small organisation record for tests."""
    org = {
        "id": f"org-{i}",
        "name": f"Medienhaus Test {i}",
        "kind": "media_company",
        "sme": True,
        "city": "München",
        "region": "DE21",
        "nuts3": "DE212",
        "country": "DE",
        "visibility": "public",
        "description_de": "Regionales Fernsehen mit automatischer Untertitelung",
        "description_en": "Regional TV with automatic subtitling",
    }
    org.update(overrides)
    return org


def gen_skill(skill_id: str, de: str, en: str, **overrides) -> dict:
    return {"id": skill_id, "label_de": de, "label_en": en, "source": "kim", **overrides}


# -- the web app ------------------------------------------------------------------------

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url: str = "/login") -> str:
    """Fetch `url` with the client and return the CSRF token from its form (session-bound)."""
    response = client.get(url)
    match = _CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {url} (status {response.status_code})"
    return match.group(1) or match.group(2)


@pytest.fixture
def fast_password_hashing(monkeypatch):
    """Cheap password hashes for web tests (scrypt costs ~0.1 s per hash and per login)."""
    from kim_network.services import accounts as service

    monkeypatch.setattr(service, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    monkeypatch.setattr(service, "_dummy_hash", None)


@pytest.fixture
def app(store, tmp_path, fast_password_hashing):
    """The app on the `store` fixture's very store (so on SQLite and on Neo4j), CSRF on."""
    from tests.support.app import make_app

    yield make_app(store, tmp_path)


@pytest.fixture
def site(app, store):
    """The app on the shared fictional ecosystem (`tests.support.world`), on each store.
    Modules that need more of the world override it with their own `site`."""
    from tests.support.world import seed

    seed(store)
    return app


@pytest.fixture
def world_app(tmp_path):
    """The trust world (`tests.trust.world`) on a fresh SQLite file, with its app."""
    from tests.trust.world import seed_world, sqlite_app

    app, store = sqlite_app(tmp_path)
    seed_world(store)
    yield app, store
    store.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Create accounts through the auth service and log a test client in and out."""

    def register_account(self, store, email, password, role="member", organization_id=None,
                         approved=True, name=None, person_id=None, language=None):
        from kim_network.services import accounts as service

        return service.create_account(
            store, email, password, name=name or email.split("@")[0].title(), role=role,
            organization_id=organization_id, person_id=person_id, approved=approved,
            language=language, consent_version=service.CONSENT_VERSION,
        )

    def login(self, client, email, password, next_url=None):
        token = csrf_token(client, "/login")
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return client.post(url, data={"email": email, "password": password, "csrf_token": token})

    def logout(self, client):
        token = csrf_token(client, "/")
        return client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(fast_password_hashing):
    return AuthActions()


__all__ = ["gen_org", "gen_skill", "Label", "csrf_token", "AuthActions"]
