"""The ranked text search of both stores: stemming in German and English, skills, projects, ranking."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label, Rel
from tests.conftest import gen_org, gen_skill


def _project(pid, title, keywords="", objective="", **extra):
    return {"id": pid, "title": title, "keywords": keywords, "objective": objective, "source": "cordis",
            "visibility": "public", **extra}


@pytest.fixture
def graph(store):
    store.upsert_nodes(Label.SKILL, [
        gen_skill("audio-speech", "Audio- und Sprachtechnologie", "Audio and speech technology"),
        gen_skill("asr", "Spracherkennung", "Speech recognition", synonyms="ASR, speech-to-text"),
        gen_skill("subtitling", "Automatische Untertitelung", "Automatic subtitling",
                  synonyms="Untertitel, subtitles, captioning"),
        gen_skill("live-subtitling", "Live-Untertitelung", "Live subtitling"),
        gen_skill("esv-1", "pattern recognition", "pattern recognition", source="euroscivoc"),
    ])
    store.upsert_edges(Rel.BROADER, [{"source": "asr", "target": "audio-speech"},
                                     {"source": "subtitling", "target": "asr"},
                                     {"source": "live-subtitling", "target": "subtitling"}])
    store.upsert_nodes(Label.ORGANIZATION, [
        gen_org(1, name="Alpenton Untertitel GmbH", description_de="Wir erstellen Untertitelungen für Sender",
                description_en="We produce subtitles for broadcasters"),
        gen_org(2, name="Nordlicht Verlag", description_de="Bücher und Hörbücher", description_en="Books"),
        gen_org(3, name="MEDIAGNOST DIAGNOSTIKA GMBH", kind="company", description_de="", description_en=""),
        gen_org(4, name="Isar Media Haus", description_de="Lokale Medien", description_en="Local media"),
        gen_org(5, name="Voxtral Speech SRL", kind="tech_provider", description_de="", description_en=""),
        gen_org(6, name="Grand University", kind="university", description_de="", description_en=""),
        gen_org(7, name="Livecap Studio", description_de="", description_en=""),
    ])
    store.upsert_nodes(Label.PROJECT, [
        _project("p-sub", "Automatic live subtitles for regional news", "subtitles, speech recognition"),
        _project("p-obj", "Citizen deliberation tools", "democracy", "Tools such as subtitles and reading aloud."),
        _project("p-asr", "Dialect robust recognisers", "dialects", "We build recognisers for dialects."),
        *[_project(f"p-other-{i}", f"Unrelated chemistry {i}", "catalysis") for i in range(8)],
    ])
    store.upsert_edges(Rel.REQUIRES, [{"source": "p-asr", "target": "asr", "source_label": "Project"}])
    store.upsert_edges(Rel.PARTICIPATED_IN, [
        {"source": "org-5", "target": "p-sub"}, {"source": "org-6", "target": "p-sub"},
        *[{"source": "org-6", "target": f"p-other-{i}"} for i in range(8)],
        {"source": "org-2", "target": "p-obj"},
        {"source": "org-5", "target": "p-asr"},
    ])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-7", "target": "live-subtitling"}])
    return store


def _ids(matches):
    return [m.id for m in matches]


def test_german_stemming_finds_inflected_words_in_descriptions(graph):
    result = graph.text_search("Untertitelung")
    assert "org-1" in _ids(result.members) and not result.prefix


def test_english_stemming_and_the_projects_of_an_organisation(graph):
    result = graph.text_search("subtitle")
    ids = _ids(result.members)
    # Its own description, a narrower skill it offers, and its projects make an organisation match.
    assert {"org-1", "org-5", "org-7"} <= set(ids)
    by_id = {m.id: m for m in result.members}
    assert by_id["org-5"].project == "p-sub"
    assert by_id["org-7"].skill == "live-subtitling"


def test_a_specialist_ranks_above_a_large_institution_with_one_matching_project(graph):
    ids = _ids(graph.text_search("subtitles").members)
    assert ids.index("org-5") < ids.index("org-6")


def test_a_project_naming_the_term_ranks_above_one_that_mentions_it_in_passing(graph):
    projects = _ids(graph.text_search("subtitles").projects)
    assert projects[:2] == ["p-sub", "p-obj"] or projects.index("p-sub") < projects.index("p-obj")


def test_a_german_word_finds_english_projects_through_the_bilingual_taxonomy(graph):
    result = graph.text_search("Untertitel")
    # p-asr requires speech recognition, the skill just above subtitling.
    assert "p-asr" in _ids(result.projects)
    by_id = {m.id: m for m in result.projects}
    assert by_id["p-asr"].skill == "asr" and by_id["p-asr"].score < 1.0
    assert "org-5" in _ids(result.members)


def test_words_do_not_match_longer_words_that_merely_start_alike(graph):
    ids = _ids(graph.text_search("media").members)
    assert "org-4" in ids and "org-3" not in ids


def test_word_beginnings_are_the_fallback_when_no_word_matches_whole(graph):
    result = graph.text_search("Diagn")
    assert result.prefix and _ids(result.members) == ["org-3"]


def test_long_german_words_also_match_the_compounds_they_start(graph):
    graph.upsert_nodes(Label.ORGANIZATION, [gen_org(8, name="Tonwerk", description_de="Untertitelungsdienst für Theater",
                                                    description_en="")])
    result = graph.text_search("Untertitel")
    assert not result.prefix and {"org-1", "org-8"} <= set(_ids(result.members))


def test_every_word_must_match_and_syntax_is_ignored(graph):
    assert graph.text_search("subtitles zebra").members == []
    for text in ['"unbalanced', "name:*", "a AND OR NOT (", "\\", "*", "~~~", "NEAR(", "))))", "title:x^3"]:
        graph.text_search(text)  # must not raise
    assert graph.text_search("   ").members == []


def test_text_search_follows_updates_and_deletes(graph):
    graph.update_node(Label.ORGANIZATION, "org-2", {"description_en": "Podcast transcripts", "description_de": ""})
    assert "org-2" in _ids(graph.text_search("podcast").members)
    graph.delete_node(Label.ORGANIZATION, "org-2")
    assert "org-2" not in _ids(graph.text_search("podcast").members)


def test_result_rows_read_a_page_with_skills_in_one_call(graph):
    graph.upsert_edges(Rel.HAS_SKILL, [{"source": "org-5", "target": "audio-speech"}])
    graph.upsert_edges(Rel.OFFERS, [{"source": "org-5", "target": "asr"}])
    rows = graph.result_rows([("Organization", "org-5"), ("Organization", "nope"), ("Project", "p-asr"),
                              ("Organization", "org-7")])
    assert [(r.label, r.id) for r in rows] == [("Organization", "org-5"), ("Project", "p-asr"),
                                               ("Organization", "org-7")]
    org = rows[0]
    assert org.node["name"] == "Voxtral Speech SRL"
    assert org.skills == ["asr", "audio-speech"]  # offered first, then had
    assert org.projects == 2 and org.project_skills == []  # asr, its project skill, is already its own
    assert rows[1].skills == ["asr"] and rows[1].projects == 1
    assert rows[2].skills == ["live-subtitling"]
