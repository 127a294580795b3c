"""From an idea to a team: suggested skills, consortia for an idea, honest rule checks, save and export."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from kim_network.core.model import Label, Rel
from kim_network.core.taxonomy import seed_taxonomy
from tests.conftest import csrf_token, gen_org
from tests.support.world import seed
from tests.support.client import login, text_of


@pytest.fixture
def site(app, store):
    seed(store)
    # The competence centre that runs the platform, with the staff account in it.
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(7, id="org-centre", name="KI.M Zentrum", kind="public_body",
                                                    sme=False, centre=True, description_de="Kompetenzzentrum")])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-centre", "target": "nlp"}])
    store.update_node(Label.ACCOUNT, "acc-staff", {"organization_id": "org-centre"})
    store.upsert_nodes(Label.CALL, [{"id": "call-vision", "title": "Barrierefreie Bilder", "min_partners": 2,
                                     "max_partners": 3}])
    store.upsert_edges(Rel.REQUIRES, [{"source": "call-vision", "target": "subtitles"},
                                      {"source": "call-vision", "target": "vision"}])  # nobody offers vision
    return app


def test_the_centre_is_never_a_member_and_a_team_with_a_gap_does_not_meet_the_rules(site, client):
    login(client, "team@ki-m.example", lang="en")
    html = text_of(client.get("/matches/consortium?call=call-vision&include_mine=y"))
    teams = html.split('class="consortium"')[1:]
    assert teams and all("KI.M Zentrum" not in t.split('class="rules"')[0] for t in teams)
    first = teams[0]
    assert "meets the rules" not in first and "rules met, 1 gap open" in first
    assert "✗ 1 required skill is not covered" in first and "Open gaps:" in first and "Image analysis" in first
    # The lead covers a required skill (Alpenklang offers subtitles), so that rule holds.
    assert "✓ The lead covers a required skill" in first
    assert "/introductions/new?org=" in first  # a contact button per member


def test_a_project_idea_proposes_taxonomy_skills_added_with_one_click(site, client, store):
    seed_taxonomy(store)
    store.upsert_edges(Rel.OFFERS, [{"source": "org-ak", "target": "verification"},
                                    {"source": "org-ak", "target": "image-forensics"}])
    login(client, "anna@bergmedia.example", lang="de")
    idea = "KI-gestützte Verifikation von Videos für Lokalredaktionen"
    html = text_of(client.get("/matches/project", query_string={"text": idea}))
    chips = re.findall(r'<a class="tag tag-add" href="([^"]+)" data-skill="([^"]+)"', html)
    labels = [unescape(label) for _url, label in chips]
    assert labels[0] == "Verifikation und Faktencheck" and "Bild- und Videoforensik" in labels
    url = unescape(chips[0][0])
    assert parse_qs(urlsplit(url).query)["skills"] == ["Verifikation und Faktencheck"]
    added = text_of(client.get(url))
    assert 'value="Verifikation und Faktencheck"' in added and "Alpenklang KI" in added
    # The chosen skill is no longer proposed; the consortium builder starts from the same idea.
    assert 'data-skill="Verifikation und Faktencheck"' not in added
    assert "/matches/consortium?idea=" in added


def test_a_consortium_for_an_idea_is_saved_and_exported_as_csv_and_proposal_text(site, client, store):
    login(client, "anna@bergmedia.example", lang="de")
    page = client.get("/matches/consortium", query_string={"idea": "Untertitel und Sprachverarbeitung für Lokal-TV",
                                                           "skills": "Automatische Untertitelung, Sprachverarbeitung",
                                                           "include_mine": "y"})
    assert page.status_code == 200
    html = text_of(page)
    assert "Alternative 1" in html and "Bergmedia Rosenheim" in html
    form = re.search(r'<form method="post" action="(/matches/consortium/save)".*?</form>', html, re.S).group(0)
    fields = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'name="(\w+)"[^>]*value="([^"]*)"', form)}
    fields["title"] = "Untertitel-Team"
    saved = client.post("/matches/consortium/save", data=fields)
    assert saved.status_code == 302 and "/matches/teams/" in saved.headers["Location"]
    team_page = text_of(client.get(saved.headers["Location"]))
    assert "Untertitel-Team" in team_page and "Das Konsortium „Untertitel-Team“ vereint" in team_page
    exported = client.get(saved.headers["Location"] + ".csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Organisation", "Rolle", "Art", "KMU", "Region", "Deckt ab"]
    names = [r[0] for r in rows[1:] if r]
    assert "Bergmedia Rosenheim" in names
    assert all(r[4] and not re.fullmatch(r"DE\w+", r[4]) for r in rows[1:] if len(r) == 6)  # regions in words
    # Only the member who saved it sees it.
    other = site.test_client()
    login(other, "alex@alpenklang.example")
    assert other.get(saved.headers["Location"]).status_code == 404
    assert "Untertitel-Team" in text_of(client.get("/matches/teams"))


def test_saving_a_team_with_a_hidden_member_is_refused(site, client, store):
    login(client, "anna@bergmedia.example")
    token = csrf_token(client, "/matches/consortium")
    response = client.post("/matches/consortium/save", data={"csrf_token": token, "title": "Geheim",
                                                             "members": "org-bm,org-hidden", "lead": "org-bm",
                                                             "call": "call-vision"})
    assert response.status_code == 302 and store.count_nodes(Label.TEAM) == 0
