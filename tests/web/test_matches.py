"""The /matches pages: partner and peer lists apart, reasons, introductions, feedback that changes the next ranking."""
from __future__ import annotations

import pytest

from kim_network.services import recommendations as service
from kim_network.matching.projection_build import projection_from_store
from kim_network.core.model import Label, Rel
from tests.conftest import csrf_token
from tests.support.world import SME, seed
from tests.support.client import field_block, login, text_of


@pytest.fixture
def seeded(store):
    seed(store)
    return store


@pytest.fixture
def site(app, store):
    seed(store)
    store.upsert_nodes(Label.CALL, [{"id": "call-barrierefrei", "title": "Barrierefreie Medien mit KI",
                                     "min_partners": 2, "max_partners": 4, "min_sme": 1}])
    store.upsert_edges(Rel.REQUIRES, [{"source": "call-barrierefrei", "target": "subtitles"},
                                      {"source": "call-barrierefrei", "target": "nlp"}])
    return app


def _ids(match_list):
    return [m.rec.id for m in match_list.items]


def _section(html: str, section_id: str) -> str:
    start = html.index(f'aria-labelledby="{section_id}"')
    end = html.find("</section>", start)
    return html[start:end]


# -- service ------------------------------------------------------------------------------


def test_partners_complement_needs_and_never_show_hidden_profiles(seeded):
    proj = projection_from_store(seeded)
    partners = service.recommend(proj, seeded, SME, "partners", "org-bm")
    assert _ids(partners)[0] == "org-ak"  # offers the subtitles Bergmedia needs
    assert "org-hidden" not in _ids(partners) and "org-pend" not in _ids(partners)
    assert all(m.rec.reasons for m in partners.items)
    assert partners.items[0].contact == "org-ak"
    researchers = service.recommend(proj, seeded, SME, "researchers", "org-bm")
    # A request for a researcher goes to her, not to her university.
    assert _ids(researchers) == ["p-lena"] and researchers.items[0].contact == "p-lena"


def test_hide_removes_and_not_relevant_demotes_in_the_next_ranking(seeded):
    from kim_network.services.feedback import record_feedback

    # A second organisation that offers what Bergmedia needs, so there is somewhere to move down to.
    seeded.upsert_edges(Rel.OFFERS, [{"source": "org-uni", "target": "subtitles"}])
    proj = projection_from_store(seeded)
    before = _ids(service.recommend(proj, seeded, SME, "partners", "org-bm"))
    assert before[0] == "org-ak"
    record_feedback(seeded, SME, "org-bm", "org-ak", "not_relevant", "partners")
    demoted = _ids(service.recommend(proj, seeded, SME, "partners", "org-bm"))
    assert demoted.index("org-ak") > 0
    record_feedback(seeded, SME, "org-bm", "org-ak", "hide", "partners")
    assert "org-ak" not in _ids(service.recommend(proj, seeded, SME, "partners", "org-bm"))
    # Feedback is the member's own: a colleague's list is unchanged, other lists too.
    colleague = SME.__class__(role="member", account_id="acc-other", organization_id="org-bm")
    assert _ids(service.recommend(proj, seeded, colleague, "partners", "org-bm"))[0] == "org-ak"


def test_missing_basis_is_a_list_error_not_a_failure(seeded):
    proj = projection_from_store(seeded)
    result = service.recommend(proj, seeded, SME, "partners", "no-such-org")
    assert result.items == [] and result.error


# -- pages -----------------------------------------------------------------------------------


def test_matches_page_keeps_partners_and_similar_apart_with_reasons(site, client):
    login(client, "anna@bergmedia.example", lang="en")
    html = text_of(client.get("/matches"))
    partners = _section(html, "partners-title")
    similar = _section(html, "similar-title")
    assert "Alpenklang KI" in partners and "Offers what you need" in partners
    assert "/introductions/new?org=org-ak" in partners and "Request contact" in partners
    assert "Not partner suggestions" in similar
    assert html.index("partners-title") < html.index("similar-title")


def test_matches_page_speaks_german_by_default(site, client):
    login(client, "lena.huber@hs-donau.example")
    html = text_of(client.get("/matches"))
    collaborators = _section(html, "collaborators-title")
    assert "Bergmedia Rosenheim" in collaborators
    assert "Kontakt anfragen" in collaborators and "Nützlich" in collaborators


def test_matches_need_a_member(site, client):
    assert client.get("/matches").status_code == 302


def test_hide_button_removes_the_result(site, client, store):
    from kim_network.extensions import get_caches

    login(client, "anna@bergmedia.example", lang="en")
    assert "Alpenklang KI" in _section(text_of(client.get("/matches")), "partners-title")
    with site.app_context():
        projection = get_caches().projection.get(store)
    token = csrf_token(client, "/matches")
    response = client.post("/matches/feedback", data={
        "csrf_token": token, "subject": "org-bm", "target": "org-ak", "context": "partners",
        "value": "hide", "next": "/matches"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/matches")
    assert "Alpenklang KI" not in _section(text_of(client.get("/matches")), "partners-title")
    stored = store.list_nodes(Label.FEEDBACK).items
    assert [(f["account"], f["target"], f["value"]) for f in stored] == [("acc-bm", "org-ak", "hide")]
    with site.app_context():  # applied when ranking: the projection was not rebuilt for it
        assert get_caches().projection.get(store) is projection


@pytest.mark.parametrize("data", [
    {"value": "love"}, {"context": "everything"}, {"target": "bad id!"}, {"next": "https://evil.example/"},
])
def test_bad_feedback_is_refused_or_made_safe(site, client, store, data):
    login(client, "anna@bergmedia.example")
    form = {"csrf_token": csrf_token(client, "/matches"), "subject": "org-bm", "target": "org-ak",
            "context": "partners", "value": "hide", "next": "/matches", **data}
    response = client.post("/matches/feedback", data=form)
    if "next" in data:
        assert response.status_code == 302 and response.headers["Location"].endswith("/matches")
    else:
        assert response.status_code == 400 and store.count_nodes(Label.FEEDBACK) == 0


def test_project_partner_search(site, client):
    login(client, "anna@bergmedia.example", lang="en")
    html = text_of(client.get("/matches/project?text=Untertitel+f%C3%BCr+bairische+Dialekte&skills=Spracherkennung"))
    assert "Alpenklang KI" in html and "Request contact" in html
    assert "Bergmedia Rosenheim" not in html.split("results-title")[1]  # never yourself
    only_unis = text_of(client.get("/matches/project?text=Untertitel&kinds=university"))
    assert "Hochschule Donau" in only_unis and "Alpenklang KI" not in only_unis.split("results-title")[1]


@pytest.mark.parametrize("query, field_id", [
    ("skills=Quantenfunk", "skills"),
    ("text=", "text"),
    ("text=x&region=Mars", "region"),
])
def test_project_search_errors_are_shown_at_the_field(site, client, query, field_id):
    login(client, "anna@bergmedia.example", lang="en")
    response = client.get("/matches/project?" + query)
    assert response.status_code == 400
    assert 'class="field-errors"' in field_block(text_of(response), field_id)


def test_consortium_builder_for_a_call(site, client):
    login(client, "anna@bergmedia.example", lang="en")
    html = text_of(client.get("/matches/consortium?call=call-barrierefrei&include_mine=y"))
    assert "Alternative 1" in html and "Bergmedia Rosenheim" in html and "Alpenklang KI" in html
    assert client.get("/matches/consortium?call=no-such-call").status_code == 400
