"""Security headers on every kind of response, safe cookies, no inline scripts, and error pages."""
from __future__ import annotations

import re

import pytest

from kim_network import create_app
from kim_network.extensions import get_store
from kim_network.core.model import Label
from kim_network.store.sqlite import SQLiteStore
from kim_network.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import NEO4J_PASSWORD, csrf_token

PASSWORD = "Redaktion-Nord-7"

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _assert_secure(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{name} on {response.status_code} {response.request.path}"
    assert "camera=()" in response.headers["Permissions-Policy"]


def _add_failing_route(app):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("a bug")


def test_every_response_carries_the_security_headers(app, client, auth, store):
    _add_failing_route(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert CONTENT_SECURITY_POLICY == EXPECTED["Content-Security-Policy"]
    responses = [
        client.get("/"),
        client.get("/login"),
        client.get("/register"),
        client.get("/privacy"),
        client.get("/static/css/app.css"),
        client.get("/healthz"),
        client.get("/gibt-es-nicht"),
        client.get("/api/v1/gibt-es-nicht"),
        client.post("/login", data={"email": "x@example.org", "password": "y"}),  # no CSRF: 400
        client.get("/staff/accounts"),  # redirect to login
        client.get("/_boom"),  # 500
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 200, 404, 404, 400, 302, 500]
    auth.register_account(store, "lena@hs-donau.example", PASSWORD)
    responses.append(auth.login(client, "lena@hs-donau.example", PASSWORD))
    responses.append(client.get("/staff/accounts"))  # 403
    assert responses[-1].status_code == 403
    for response in responses:
        _assert_secure(response)
    # pages of a logged-in user are not kept in shared caches
    assert client.get("/").headers["Cache-Control"] == "private, no-store"


def test_500_page_is_friendly_and_logs_the_detail(app, client, caplog):
    _add_failing_route(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Etwas ist schiefgelaufen" in page and "a bug" not in page
    assert any("a bug" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_session_cookie_is_httponly_lax_and_secure_outside_test(app, client, monkeypatch, tmp_path):
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("KIM_DEMO", raising=False)
    production = create_app({"SECRET_KEY": "s" * 32, "KIM_DATA_DIR": str(tmp_path), "NEO4J_URI": None,
                             "KIM_BASE_URL": "https://localhost"})
    production.extensions["kim_store"] = app.extensions["kim_store"]
    response = production.test_client().get("/login")
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert 'name="remember"' not in response.get_data(as_text=True)


def test_pages_have_no_inline_scripts_or_styles(client, auth, store):
    auth.register_account(store, "team@ki-m.example", PASSWORD, role="staff")
    pages = [client.get(url).get_data(as_text=True) for url in ("/", "/login", "/register", "/reset", "/privacy")]
    auth.login(client, "team@ki-m.example", PASSWORD)
    pages += [client.get(url).get_data(as_text=True) for url in ("/", "/staff/accounts")]
    for page in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert not re.search(r"\sstyle=", page)
        assert not re.search(r"\son[a-z]+=", page)
        assert "http://" not in page and "https://" not in page  # nothing from a CDN


# -- the store is down -------------------------------------------------------------------------


@pytest.fixture
def broken_store(store, tmp_path):
    """A store of the same kind that cannot answer: SQLite on a directory, or Neo4j on a closed port."""
    if store.backend == "sqlite":
        broken = SQLiteStore(str(tmp_path))  # a directory cannot be opened as a database
        yield broken
        broken.close()
    else:
        import neo4j

        from kim_network.store.neo4j import Neo4jStore

        broken = Neo4jStore("bolt://127.0.0.1:1", "neo4j", NEO4J_PASSWORD)
        # The adapter retries for 10 s before it gives up; the test need not wait that long.
        broken.driver.close()
        broken.driver = neo4j.GraphDatabase.driver(
            "bolt://127.0.0.1:1", auth=("neo4j", NEO4J_PASSWORD),
            connection_timeout=1, max_transaction_retry_time=0,
        )
        yield broken
        broken.close()


def test_store_unavailable_gives_a_clear_503(app, client, auth, store, broken_store):
    @app.get("/api/v1/_store")
    def store_probe():
        get_store().ping()
        return {"ok": True}

    auth.register_account(store, "lena@hs-donau.example", PASSWORD, name="Lena Huber")
    logged_in = app.test_client()
    auth.login(logged_in, "lena@hs-donau.example", PASSWORD)
    token = csrf_token(client, "/login")
    app.extensions["kim_store"] = broken_store

    response = client.post("/login", data={"email": "lena@hs-donau.example", "password": PASSWORD, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Die Datenbank ist gerade nicht erreichbar" in page and '<html lang="de">' in page
    _assert_secure(response)

    response = logged_in.get("/")  # loading the session's account needs the store
    assert response.status_code == 503 and "Die Datenbank ist gerade nicht erreichbar" in response.get_data(as_text=True)

    response = client.get("/api/v1/_store")
    assert response.status_code == 503
    assert response.get_json()["error"]["status"] == 503
    app.extensions["kim_store"] = store
    assert store.count_nodes(Label.ACCOUNT) == 1


def test_domain_errors_become_clear_pages_and_json(app, client):
    from kim_network.core.model import ValidationError
    from kim_network.store import InvalidQuery

    def invalid():
        raise ValidationError("kind must be one of: company, media_company", "kind")

    def bad_query():
        raise InvalidQuery("cannot sort Organization by 'secret'")

    app.add_url_rule("/_invalid", "invalid", invalid)
    app.add_url_rule("/api/v1/_invalid", "api_invalid", invalid)
    app.add_url_rule("/_query", "bad_query", bad_query)
    page = client.get("/_invalid")
    assert page.status_code == 400
    assert "Die Eingabe ist ungültig: kind must be one of: company, media_company" in page.get_data(as_text=True)
    assert client.get("/api/v1/_invalid").get_json() == {
        "error": {"status": 400, "message": "Die Eingabe ist ungültig: kind must be one of: company, media_company"}}
    assert client.get("/_query").status_code == 400
    not_allowed = client.get("/logout")
    assert not_allowed.status_code == 405 and "POST" in not_allowed.headers["Allow"]
    assert "Aktion nicht möglich" in not_allowed.get_data(as_text=True)
    english = client.get("/api/v1/_invalid?lang=en").get_json()
    assert english["error"]["message"].startswith("The input is not valid")
