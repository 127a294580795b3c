"""Getting started and staying fresh: a pending member builds a profile, approval links it, a save shows at once."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label
from kim_network.services import registration
from tests.conftest import csrf_token
from tests.support.world import PASSWORD
from tests.support.client import login, text_of


def _register(client, **overrides):
    data = {"name": "Rita Neu", "email": "rita@neu-medien.example", "password": PASSWORD,
            "password_confirm": PASSWORD, "organization_mode": "new", "organization_name": "Neu Medien GmbH",
            "organization_kind": "media_company", "organization_city": "Landshut",
            "person_kind": "media_professional", "consent": "y", **overrides}
    data["csrf_token"] = csrf_token(client, "/register")
    assert client.post("/register", data=data).status_code == 302
    return data


def _pending(client, store, **overrides):
    """Register through the form and log the new, unapproved account in."""
    data = _register(client, **overrides)
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": data["email"], "password": PASSWORD, "csrf_token": token})
    account = store.list_nodes(Label.ACCOUNT, {"email": data["email"]}, limit=1).items[0]
    return account


def _section(html: str, section_id: str) -> str:
    start = html.index(f'aria-labelledby="{section_id}"')
    return html[start:html.find("</section>", start)]


def _edit(client, url, **fields):
    page = text_of(client.get(url))
    assert 'name="csrf_token"' in page
    form = {"csrf_token": csrf_token(client, url), "visibility": "members", **fields}
    return client.post(url, data=form)


@pytest.fixture
def background_site(site):
    """The app with production caches: stale-while-rebuild, at most one rebuild per 10 s."""
    from kim_network.extensions import Caches

    site.extensions["kim_caches"] = Caches.create(background=True)
    yield site
    site.extensions["kim_caches"].projection.wait_idle(30)


def test_a_member_waiting_for_approval_builds_a_profile_and_sees_matches(site, client, store):
    account = _pending(client, store)
    org_id, person_id = account["claimed_organization_id"], account["person_id"]
    me = client.get("/me")
    assert me.status_code == 302 and me.headers["Location"].endswith(f"/people/{person_id}")
    assert "You can already build your profile" in text_of(client.get("/?lang=en"))
    profile = text_of(client.get(f"/organizations/{org_id}"))
    assert "Neu Medien GmbH" in profile and f"/organizations/{org_id}/edit" in profile
    saved = _edit(client, f"/organizations/{org_id}/edit", name="Neu Medien GmbH", kind="media_company",
                  city="Landshut", needs="Automatische Untertitelung", offers="", skills="")
    assert saved.status_code == 302, text_of(saved)[:2000]
    assert [e.target for e in store.edges(Label.ORGANIZATION, org_id, "NEEDS", "out")] == ["subtitles"]
    matches = client.get("/matches")
    assert matches.status_code == 200
    html = text_of(matches)
    assert "waiting for approval" in html and "Alpenklang KI" in html  # a public profile that offers it
    assert "Frankenfunk" not in html  # members-only profiles stay hidden until approval
    assert "/introductions/new" not in html and "/matches/feedback" not in html  # members only
    # Still nothing beyond its own records.
    assert client.get("/organizations/org-fk").status_code == 404
    assert client.get("/organizations/org-bm/edit").status_code in (403, 404)
    assert client.get("/introductions/new?org=org-ak").status_code == 403


def test_claiming_an_existing_organisation_gives_no_edit_right_before_approval(site, client, store):
    account = _pending(client, store, email="fremd@example.org", organization_mode="existing",
                       organization_name="Alpenklang KI", person_kind="")
    assert account["claimed_organization_id"] == "org-ak" and not account.get("organization_id")
    assert client.get("/organizations/org-ak/edit").status_code in (403, 404)
    assert client.get("/me").status_code == 302
    assert "/organizations/org-ak/edit" not in text_of(client.get("/organizations/org-ak"))


def test_after_approval_the_matches_page_shows_lists_not_a_wrong_not_linked_message(background_site, store):
    other = background_site.test_client()
    login(other, "anna@bergmedia.example")
    other.get("/matches")  # the projection is built before the newcomer registers
    client = background_site.test_client()
    account = _pending(client, store)
    org_id = account["claimed_organization_id"]
    _edit(client, f"/organizations/{org_id}/edit", name="Neu Medien GmbH", kind="media_company", city="Landshut",
          needs="Automatische Untertitelung", offers="", skills="")
    registration.approve_account(store, account["id"], "acc-staff")
    html = text_of(client.get("/matches?lang=en"))
    assert "not linked to an organisation" not in html
    assert "Partners for your needs" in html and "Alpenklang KI" in html


def test_a_saved_profile_shows_in_the_own_list_on_the_next_page_load(background_site, store):
    client = background_site.test_client()
    login(client, "anna@bergmedia.example", lang="en")
    before = text_of(client.get("/matches"))
    assert "Recommender systems" not in _section(before, "partners-title")
    # Bergmedia now also needs recommender systems, which Frankenfunk offers.
    saved = _edit(client, "/organizations/org-bm/edit", name="Bergmedia Rosenheim", kind="media_company",
                  city="Rosenheim", needs="Automatische Untertitelung, Empfehlungssysteme", offers="", skills="",
                  sme="y")
    assert saved.status_code == 302
    after = text_of(client.get("/matches"))
    partners = _section(after, "partners-title")
    assert "Frankenfunk" in partners and "Recommender systems" in partners  # the new need, at once


def test_a_slow_rebuild_says_it_is_updating_and_reloads_instead_of_a_wrong_empty_list(background_site, store,
                                                                                       monkeypatch):
    from kim_network.web.recommendations import routes

    client = background_site.test_client()
    login(client, "anna@bergmedia.example", lang="en")
    client.get("/matches")
    monkeypatch.setattr(routes, "SYNC_REBUILD_SECONDS", -1.0)  # as if the graph took minutes to build
    store.update_node(Label.ORGANIZATION, "org-bm", {"updated_at": "2026-12-01T10:00:00+00:00"})
    html = text_of(client.get("/matches"))
    assert "being updated" in html and 'http-equiv="refresh"' in html
    assert "Add what you are looking for" not in html and "nothing to suggest" not in html
    background_site.extensions["kim_caches"].projection.wait_idle(30)
    monkeypatch.setattr(routes, "SYNC_REBUILD_SECONDS", 5.0)
