"""Search with facets: visibility before counting, narrower skills, paging, on both stores."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label, Rel
from kim_network.services.search import BadQuery, IndexCache, SearchQuery, parse_query, search
from kim_network.core.visibility import ANONYMOUS
from tests.conftest import gen_org
from tests.support.world import SME, STAFF, seed


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def _ids(result):
    return [item.id for item in result.items]


def _facet(result, name):
    return {f.value: f.count for f in result.facets[name]}


def test_staff_only_profile_never_appears_for_members_or_anonymous(seeded):
    for viewer in (ANONYMOUS, SME):
        result = search(seeded, viewer, SearchQuery(text="Spracherkennung"))
        assert "org-hidden" not in _ids(result)
        assert "org-pend" not in _ids(result)
        # Not in the counts either: the facets of the hidden research institute are absent.
        assert "research_institute" not in _facet(result, "kind")
        assert result.total == len(result.items)
    staff = search(seeded, STAFF, SearchQuery(text="Spracherkennung"))
    assert {"org-hidden", "org-pend"} <= set(_ids(staff))
    assert _facet(staff, "kind")["research_institute"] == 1


def test_members_only_profiles_are_hidden_from_anonymous(seeded):
    assert "org-fk" not in _ids(search(seeded, ANONYMOUS, SearchQuery()))
    assert "org-fk" in _ids(search(seeded, SME, SearchQuery()))


def test_empty_query_lists_members_alphabetically_with_facets(seeded):
    result = search(seeded, SME, SearchQuery())
    names = [item.name for item in result.items]
    assert names == sorted(names, key=str.casefold)
    assert result.total == 5  # 4 visible organisations + 1 researcher
    assert _facet(result, "type") == {"organization": 4, "person": 1}
    assert _facet(result, "region")["DE21"] == 1


def test_skill_filter_matches_narrower_skills(seeded):
    # audio <- asr <- subtitles: Alpenklang offers subtitles and has asr, Lena has asr.
    result = search(seeded, SME, SearchQuery(skill="audio"))
    assert set(_ids(result)) == {"org-ak", "p-lena"}
    assert _facet(result, "skill")["audio"] == 2
    narrow = search(seeded, SME, SearchQuery(skill="subtitles"))
    assert _ids(narrow) == ["org-ak"]  # needing a skill is not having it (Bergmedia)


def test_facets_combine_and_count_with_the_other_filters(seeded):
    result = search(seeded, SME, SearchQuery(sme=True))
    assert set(_ids(result)) == {"org-bm", "org-ak"}
    assert _facet(result, "sme") == {"true": 2, "false": 2}
    result = search(seeded, SME, SearchQuery(sme=True, region="DE27"))
    assert _ids(result) == ["org-ak"]
    assert _facet(result, "region") == {"DE21": 1, "DE27": 1}
    result = search(seeded, SME, SearchQuery(kinds=("university", "researcher")))
    assert set(_ids(result)) == {"org-uni", "p-lena"}


def test_paging_and_text_ranking(seeded):
    first = search(seeded, STAFF, SearchQuery(per_page=2, page=1))
    second = search(seeded, STAFF, SearchQuery(per_page=2, page=2))
    assert first.total == second.total == 7 and first.pages == 4
    assert not set(_ids(first)) & set(_ids(second))
    ranked = search(seeded, SME, SearchQuery(text="Untertitel"))
    # Own words first (Alpenklang also offers subtitling and coordinates the dialect project);
    # then who only took part in the dialect-subtitles project.
    assert set(_ids(ranked)[:2]) == {"org-ak", "org-bm"} and _ids(ranked)[0] == "org-ak"
    assert set(_ids(ranked)[2:]) == {"org-uni", "p-lena"}


def test_index_follows_writes(seeded):
    cache = IndexCache()
    assert "org-new" not in _ids(search(seeded, SME, SearchQuery(text="Zugspitze"), cache=cache))
    from tests.conftest import gen_org

    seeded.create_node("Organization", gen_org(9, id="org-new", name="Zugspitze Media"))
    assert _ids(search(seeded, SME, SearchQuery(text="Zugspitze"), cache=cache)) == ["org-new"]


@pytest.mark.parametrize("args, field", [
    ({"kind": "spaceship"}, "kind"),
    ({"page": "zero"}, "page"),
    ({"per_page": "1000"}, "per_page"),
    ({"sme": "maybe"}, "sme"),
    ({"q": "x" * 501}, "q"),
    ({"type": "Skill"}, "type"),
])
def test_bad_arguments_name_their_field(args, field):
    with pytest.raises(BadQuery) as err:
        parse_query(args)
    assert err.value.field == field


def test_parse_query_reads_repeated_kinds():
    from werkzeug.datastructures import MultiDict

    args = MultiDict([("kind", "university"), ("kind", "researcher"), ("sme", "true"), ("page", "2")])
    query = parse_query(args, args.getlist)
    assert query.kinds == ("university", "researcher") and query.sme is True and query.page == 2


# -- the /search page ----------------------------------------------------------------------


def test_search_page_never_shows_hidden_profiles_or_counts(site, client):
    from tests.support.client import text_of

    page = text_of(client.get("/search?q=Spracherkennung&lang=en"))
    assert "Alpenklang KI" in page and "Geheimlabor" not in page and "Neugründung" not in page
    assert "Research institute" not in page  # the hidden institute's kind has no facet entry
    assert "3 results" in page  # Alpenklang, Lena and (through the dialect project) her university


def test_search_page_lists_members_alphabetically_without_query(site, client):
    from tests.support.client import login, text_of

    login(client, "anna@bergmedia.example", lang="en")
    page = text_of(client.get("/search"))
    order = [page.index(name) for name in ("Alpenklang KI", "Bergmedia Rosenheim", "Dr. Lena Huber",
                                           "Frankenfunk", "Hochschule Donau")]
    assert order == sorted(order)
    assert "5 results" in page


def test_search_page_filters_by_facets_and_pages(site, client):
    from tests.support.client import login, text_of

    login(client, "team@ki-m.example", lang="en")
    page = text_of(client.get("/search?skill=audio"))
    assert "Alpenklang KI" in page and "Geheimlabor Isar" in page and "Bergmedia" not in page
    page = text_of(client.get("/search?per_page=2&page=2"))
    assert "Page 2 of 4" in page


def test_search_page_answers_bad_filters_with_400_not_500(site, client):
    response = client.get("/search?kind=spaceship&page=x")
    assert response.status_code == 400


def test_members_find_their_own_hidden_profile_and_only_they_do(seeded):
    from kim_network.core.visibility import Viewer

    cache = IndexCache()
    owner = Viewer(role="member", account_id="acc-x", organization_id="org-hidden")
    other = Viewer(role="member", account_id="acc-y", organization_id="org-bm")
    for viewer, expected in ((owner, True), (other, False), (owner, True), (ANONYMOUS, False)):
        result = search(seeded, viewer, SearchQuery(), cache=cache)
        assert ("org-hidden" in _ids(result)) is expected
        assert ("research_institute" in _facet(result, "kind")) is expected


# -- what people type: words in descriptions, skills and projects, with why it matched ------------


def test_results_say_why_they_matched(seeded):
    result = search(seeded, SME, SearchQuery(text="Untertitel"))
    why = {item.id: item.why for item in result.items}
    assert why["org-ak"].kind == "text" and why["org-ak"].match == "Untertitelung"
    assert why["org-uni"].kind == "project" and why["org-uni"].project_name == "DIALEKT"
    assert "Untertitel" in why["org-uni"].match


def test_a_skill_synonym_in_the_other_language_finds_members(seeded):
    # "subtitling" is only the English label of the skill Alpenklang offers.
    result = search(seeded, SME, SearchQuery(text="subtitling"))
    assert _ids(result)[0] == "org-ak"
    assert result.items[0].why.kind in ("skill", "text")


def test_projects_are_a_result_type_of_their_own(seeded):
    result = search(seeded, SME, SearchQuery(text="Untertitel"))
    assert [p.id for p in result.projects] == ["prj-dialekt"] and result.project_total == 1
    assert {f.value: f.count for f in result.facets["type"]}["project"] == 1
    only = search(seeded, SME, SearchQuery(text="Untertitel", type="project"))
    assert [i.id for i in only.items] == ["prj-dialekt"] and only.total == 1 and only.projects == []
    assert only.items[0].projects == 3  # participants


def test_hidden_projects_are_not_results(seeded):
    seeded.update_node(Label.PROJECT, "prj-dialekt", {"visibility": "staff"})
    assert search(seeded, SME, SearchQuery(text="Untertitel", type="project")).total == 0
    assert search(seeded, STAFF, SearchQuery(text="Untertitel", type="project")).total == 1


def test_region_facets_show_names_and_countries(seeded, store):
    seeded.create_node(Label.ORGANIZATION, gen_org(20, id="org-paris", name="Studio Lumière", region="FR10",
                                                   nuts3="FR101", country="FR", city="Paris"))
    result = search(seeded, SME, SearchQuery(), lang="en")
    regions = {f.value: f.label for f in result.facets["region"]}
    assert regions["DE27"] == "Schwaben" and regions["FR10"] == "Ile-de-France"
    countries = {f.value: (f.label, f.count) for f in result.facets["country"]}
    assert countries["FR"] == ("France", 1) and countries["DE"][0] == "Germany"
    assert _ids(search(seeded, SME, SearchQuery(region="FR"))) == ["org-paris"]


def test_skill_facets_count_skills_from_projects(seeded):
    seeded.upsert_edges(Rel.REQUIRES, [{"source": "prj-radio", "target": "recsys", "source_label": "Project"}])
    result = search(seeded, SME, SearchQuery(skill="recsys"), cache=IndexCache(background=False))
    # Frankenfunk offers it; Bergmedia worked on a recommender project.
    assert set(_ids(result)) == {"org-fk", "org-bm"}


def test_page_shows_why_and_matching_projects(site, client):
    from tests.support.client import text_of

    page = text_of(client.get("/search?q=Untertitel&lang=en"))
    assert "<mark>Untertitelung</mark>" in page
    assert "Project DIALEKT:" in page and "1 matching project" in page
