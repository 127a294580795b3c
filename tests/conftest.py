"""Shared fixtures: a store of each kind, the app, its test client and an auth helper.

The Neo4j store runs against a real server (see scripts/neo4j_local.sh). It is used
when one answers at NEO4J_TEST_URI (default bolt://127.0.0.1:7687); with
REQUIRE_NEO4J=1 a missing server fails the run instead of skipping those tests.
"""
from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

from kim_network.model import Label
from kim_network.store.sqlite import SQLiteStore

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


__all__ = ["gen_org", "gen_skill", "Label"]
