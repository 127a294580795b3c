"""/healthz and the app factory's refusal to start without secrets."""
from __future__ import annotations

import pytest

from kim_network import create_app
from kim_network.config import ConfigError
from kim_network.core.model import Label
from tests.conftest import gen_org
from tests.support.app import make_app


def _app_on(store, tmp_path):
    return make_app(store, tmp_path)


def test_healthz_reports_store_and_counts(store, tmp_path):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2)])
    response = _app_on(store, tmp_path).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "store": store.backend,
        "counts": {"organizations": 2, "people": 0, "skills": 0, "projects": 0},
    }


def test_healthz_counts_follow_a_write_at_once(store, tmp_path, monkeypatch):
    from kim_network import extensions

    counted = []
    monkeypatch.setattr(extensions, "listed_counts",
                        lambda s, real=extensions.listed_counts: counted.append(1) or real(s))
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2)])
    client = _app_on(store, tmp_path).test_client()
    assert client.get("/healthz").get_json()["counts"]["organizations"] == 2
    assert client.get("/healthz").get_json()["counts"]["organizations"] == 2
    assert len(counted) == 1  # the graph did not move: not counted again
    store.update_node(Label.ORGANIZATION, gen_org(2)["id"], {"visibility": "members"})
    assert client.get("/healthz").get_json()["counts"]["organizations"] == 1
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(3)])
    assert client.get("/healthz").get_json()["counts"]["organizations"] == 2


def test_healthz_answers_503_when_the_store_is_unreachable(tmp_path):
    app = make_app(None, tmp_path, NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["store"] == "neo4j"


def test_missing_secret_key_stops_the_app_outside_demo(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KIM_DEMO", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_demo_mode_runs_without_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("KIM_DEMO", "1")
    monkeypatch.setenv("KIM_DATA_DIR", str(tmp_path))
    assert create_app().config["SECRET_KEY"]


def test_factory_touches_no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("KIM_DATA_DIR", str(tmp_path / "never"))
    create_app({"SECRET_KEY": "x", "KIM_BASE_URL": "https://netzwerk.ki-m.example"})
    assert not (tmp_path / "never").exists()


def test_proxy_count_makes_the_forwarded_client_address_count(tmp_path):
    seen = {}
    app = make_app(None, tmp_path, PROXY_COUNT=1)

    @app.get("/_addr")
    def _addr():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["addr"] == "203.0.113.7"
