"""Security a visitor or attacker would notice: headers, cookies, templates fit for the CSP,
login lockout and rate limit, the password policy, and CSRF on every state-changing route."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kim_network import create_app
from kim_network.core.model import Label
from tests.conftest import csrf_token
from tests.trust.world import ACCOUNTS, PASSWORD, all_rules, login_as, seed_world, sqlite_app, write_rules

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((REPO / "templates").rglob("*.html"))


# -- headers on every kind of response -------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/", "/login", "/privacy", "/static/css/app.css", "/healthz", "/api/v1/openapi.json",
    "/api/v1/organizations/no-such-org", "/no-such-page", "/organizations/org-hidden",
])
def test_security_headers_on_every_response(world_app, url):
    app, _store = world_app
    response = app.test_client().get(url)
    assert response.status_code < 500
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")


@pytest.mark.parametrize("rule", sorted(r for r, m in all_rules() if m == "GET"))
def test_security_headers_on_every_route(world_app, rule):
    from tests.trust.world import World

    app, store = world_app
    client = app.test_client()
    login_as(client, store, "staff")
    response = client.get(World().url(rule))
    assert response.status_code < 500
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert header in response.headers, header


def test_logged_in_pages_are_not_cached(world_app):
    app, store = world_app
    client = app.test_client()
    login_as(client, store, "member")
    page = client.get("/account")
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]


# -- templates that the CSP can allow ---------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(t.relative_to(REPO / "templates")) for t in TEMPLATES])
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    # JSON data islands (type="application/json") are data, not script, and CSP lets them be.
    scripts = [m for m in INLINE_SCRIPT.findall(text) if "application/json" not in m]
    assert scripts == [], "inline <script> is blocked by our CSP; load a static/js file"
    assert EVENT_HANDLER.findall(text) == [], "on*= handlers are blocked by our CSP"
    assert STYLE_ATTR.findall(text) == [], "style= attributes are blocked by style-src 'self'"
    assert STYLE_TAG.findall(text) == [], "<style> blocks are blocked by style-src 'self'"
    assert JS_URL.findall(text) == []


def test_templates_were_found():
    assert len(TEMPLATES) >= 10


# -- cookies -----------------------------------------------------------------------------------


def _session_cookie_after_login(app, store) -> str:
    client = app.test_client()
    response = client.post("/login", data={
        "email": ACCOUNTS["member"]["email"], "password": PASSWORD,
        "csrf_token": csrf_token(client, "/login"),
    })
    assert response.status_code == 302
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session=")]
    assert cookies
    return cookies[-1]


def test_session_cookie_is_secure_httponly_samesite_outside_demo(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("KIM_DEMO", raising=False)
    app, store = sqlite_app(tmp_path, SESSION_COOKIE_SECURE=None)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    seed_world(store)
    cookie = _session_cookie_after_login(app, store)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_demo_mode_may_use_plain_http_cookies(monkeypatch):
    monkeypatch.setenv("KIM_DEMO", "1")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_missing_secret_refuses_to_start(monkeypatch):
    from kim_network.config import ConfigError

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KIM_DEMO", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"KIM_DEMO": False})


# -- login: lockout per account, rate limit per address, one message for every refusal --------


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(tmp_path):
    app, store = sqlite_app(tmp_path)
    seed_world(store)
    client = app.test_client()
    email = ACCOUNTS["member"]["email"]
    refusals = {_login(client, email, "Falsch-Passwort-%d" % i).get_data(as_text=True).count("form-error")
                for i in range(5)}
    assert refusals == {1}
    locked = _login(client, email, PASSWORD)
    assert locked.status_code == 401
    unknown = _login(client, "niemand@example.org", PASSWORD)
    assert unknown.status_code == 401
    # The same words for a locked account and an unknown address: nothing to learn.
    strip = lambda html: re.search(r'class="form-error"[^>]*>(.*?)<', html, re.S).group(1)  # noqa: E731
    assert strip(locked.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert store.get_node(Label.ACCOUNT, ACCOUNTS["member"]["id"])["locked_until"]
    assert client.get("/account").status_code == 302  # not logged in


# -- the password policy -------------------------------------------------------------------------


@pytest.mark.parametrize("password", [
    pytest.param("kurz-1", id="too-short"),
    pytest.param("nurbuchstabenhier", id="letters-only"),
    pytest.param("1234567890123", id="digits-only"),
    pytest.param("Passwort123", id="common"),
    pytest.param("lena.brandl@donau-studio.example", id="the-email"),
    pytest.param("x" * 199 + "1" * 2, id="too-long"),
])
def test_weak_passwords_are_refused_at_registration(tmp_path, password):
    app, store = sqlite_app(tmp_path)
    client = app.test_client()
    before = store.change_counter()
    response = client.post("/register", data={
        "name": "Lena Brandl", "email": "lena.brandl@donau-studio.example", "password": password,
        "password_confirm": password, "organization_mode": "new", "organization_name": "Donau Studio",
        "organization_kind": "media_company", "organization_city": "Passau", "consent": "y",
        "csrf_token": csrf_token(client, "/register"),
    })
    assert response.status_code == 400
    assert store.change_counter() == before


# -- CSRF on every state-changing route ---------------------------------------------------------------


@pytest.mark.parametrize("rule,method", write_rules(), ids=[f"{m} {r}" for r, m in write_rules()])
def test_every_write_without_csrf_token_is_refused_and_stores_nothing(tmp_path, rule, method):
    app, store = sqlite_app(tmp_path)
    world = seed_world(store)
    client = app.test_client()
    role = "staff" if rule.startswith("/staff") else "member"
    if rule in ("/login", "/register", "/reset", "/reset/<token>"):
        role = "anonymous"
    login_as(client, store, role)
    url = world.url(rule)
    before = store.change_counter()
    if rule.startswith("/api/"):
        response = client.open(url, method=method, json={})
    else:
        response = client.open(url, method=method, data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert store.change_counter() == before


def test_api_writes_with_a_bearer_token_need_no_csrf_token(tmp_path):
    from kim_network.services.accounts import issue_api_token

    app, store = sqlite_app(tmp_path)
    world = seed_world(store)
    token = issue_api_token(store, ACCOUNTS["member"]["id"])
    response = app.test_client().patch(
        f"/api/v1/organizations/{world.ids['org_id']}", json={"city": "Landshut"},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert store.get_node(Label.ORGANIZATION, world.ids["org_id"])["city"] == "Landshut"


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil.example",
])
def test_login_never_redirects_off_site(tmp_path, target):
    from urllib.parse import quote, urlsplit

    app, store = sqlite_app(tmp_path)
    seed_world(store)
    client = app.test_client()
    response = client.post("/login?next=" + quote(target, safe=""), data={
        "email": ACCOUNTS["member"]["email"], "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost") and location.scheme in ("", "http")
    assert location.path == "/"


def test_a_password_reset_ends_sessions_and_api_tokens(tmp_path):
    from kim_network.services.accounts import issue_api_token, start_password_reset

    app, store = sqlite_app(tmp_path)
    seed_world(store)
    browser = app.test_client()
    login_as(browser, store, "member")
    token = issue_api_token(store, ACCOUNTS["member"]["id"])
    bearer = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    assert api.get("/api/v1/introductions", headers=bearer).status_code == 200

    _account, reset = start_password_reset(store, ACCOUNTS["member"]["email"])
    owner = app.test_client()
    form = {"password": "Neues-Passwort-42", "password_confirm": "Neues-Passwort-42",
            "csrf_token": csrf_token(owner, f"/reset/{reset}")}
    assert owner.post(f"/reset/{reset}", data=form).status_code == 302

    assert api.get("/api/v1/introductions", headers=bearer).status_code == 401
    assert "/login" in browser.get("/account").headers["Location"]
