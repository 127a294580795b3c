"""The curated skill taxonomy: sound structure, both languages, precise term matching."""
from __future__ import annotations

import pytest

from kim_network.core import taxonomy
from kim_network.core.model import Label, Rel, validate_edge, validate_node
from kim_network.core.taxonomy import SkillDef, match_term, seed_taxonomy, validate_taxonomy


def test_curated_taxonomy_has_no_problems():
    assert validate_taxonomy() == []


def test_taxonomy_is_deep_and_broad_enough_to_match_on():
    depths = [len(taxonomy.skill_path(s.id)) for s in taxonomy.SKILLS]
    assert 120 <= len(taxonomy.SKILLS) <= 200
    assert max(depths) == 4 and min(depths) == 1
    assert 8 <= len(taxonomy.top_level_ids()) <= 15


@pytest.mark.parametrize(
    "skill_id",
    [
        "asr", "subtitling", "mt", "text-generation", "image-generation", "video-generation",
        "audio-generation", "tts-synthetic-voices", "recommender-systems", "personalisation",
        "content-moderation", "deepfake-detection", "verification", "metadata-enrichment",
        "computer-vision", "audience-analytics", "newsroom-automation", "xr", "data-journalism",
        "ai-act", "copyright", "data-protection", "media-law", "ai-ethics", "llm-integration",
        "rag", "semantic-search", "chatbots", "data-engineering", "mlops", "ux-research",
        "ai-literacy", "business-models",
    ],
)
def test_required_competences_are_covered(skill_id):
    assert skill_id in {s.id for s in taxonomy.SKILLS}


def test_rows_are_valid_store_rows_in_both_languages():
    rows = taxonomy.skill_rows()
    for row in rows:
        node = validate_node(Label.SKILL, row)
        assert node["label_de"] and node["label_en"] and node["source"] == "kim"
        assert node["path"].split("/")[-1] == node["id"]
    assert len({r["label_de"].lower() for r in rows}) == len(rows)
    assert len({r["label_en"].lower() for r in rows}) == len(rows)
    edges = taxonomy.broader_rows()
    ids = {r["id"] for r in rows}
    assert len(edges) == len(rows) - len(taxonomy.top_level_ids())
    for edge in edges:
        validate_edge(Rel.BROADER, edge)
        assert edge["source"] in ids and edge["target"] in ids


def test_validation_reports_cycles_missing_parents_and_ambiguous_terms():
    broken = [
        SkillDef("a", "b", "A", "A"),
        SkillDef("b", "a", "B", "B"),
        SkillDef("c", "nowhere", "C", "C"),
        SkillDef("d", None, "D", "D", "shared term"),
        SkillDef("e", None, "E", "", "Shared Terms"),
        SkillDef("Bad Id", None, "F", "F"),
    ]
    problems = validate_taxonomy(broken)
    assert "cycle through a" in problems and "cycle through b" in problems
    assert "c: parent nowhere does not exist" in problems
    assert "e: empty label" in problems
    assert any(p.startswith("term 'shared term' matches both d and e") for p in problems)
    assert "bad id 'Bad Id'" in problems


@pytest.mark.parametrize(
    "text, expected",
    [
        ("speech recognition", "asr"),
        ("Automatic Speech Recognition", "asr"),
        ("ASR", "asr"),
        ("Spracherkennung", "asr"),
        ("speech-to-text", "asr"),
        ("machine translation", "mt"),
        ("Maschinelle Übersetzungen", "mt"),
        ("maschinelle Uebersetzung", "mt"),
        ("disinformation", "verification"),
        ("Fact-Checking", "verification"),
        ("Faktencheck", "verification"),
        ("virtual reality", "xr"),
        ("Augmented Reality", "xr"),
        ("augmented reality for shopping", "xr"),
        ("Untertitel", "subtitling"),
        ("closed captions", "subtitling"),
        ("recommender systems", "recommender-systems"),
        ("Empfehlungssysteme", "recommender-systems"),
        ("deepfakes", "deepfake-detection"),
        ("DSGVO", "data-protection"),
        ("GDPR", "data-protection"),
        ("EU AI Act", "ai-act"),
        ("KI-Verordnung", "ai-act"),
        ("large language models", "llm-integration"),
        ("natural language processing", "language-tech"),
        ("Leichte Sprache", "text-simplification"),
        ("synthetische Stimmen", "tts-synthetic-voices"),
        ("audio deepfake detection", "deepfake-detection"),
    ],
)
def test_terms_match_their_curated_skill(text, expected):
    assert match_term(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", None, "   ", "Mt Everest", "art", "formal verification", "speech", "reality",
        "translation", "training", "ethics", "artificial intelligence", "cancer immunotherapy",
        "clouds", "energy efficiency", "particle accelerator", "drug repurposing",
        "art gallery", "MT 2024 conference",
    ],
)
def test_unrelated_or_ambiguous_terms_do_not_match(text):
    # Single words and abbreviations match only the whole text, never inside a longer one.
    assert match_term(text) is None


def test_seeding_is_idempotent(store):
    first = seed_taxonomy(store)
    second = seed_taxonomy(store)
    assert first == second == {"skills": len(taxonomy.SKILLS), "broader": len(taxonomy.broader_rows())}
    assert store.count_nodes(Label.SKILL) == len(taxonomy.SKILLS)
    assert store.count_edges(Rel.BROADER) == len(taxonomy.broader_rows())
    up = store.edges(Label.SKILL, "live-subtitling", Rel.BROADER)
    assert [e.target for e in up] == ["subtitling"]
    assert store.get_node(Label.SKILL, "asr")["label_de"] == "Spracherkennung"


def test_strip_accents_drops_exactly_the_combining_marks():
    import unicodedata

    from kim_network.core.text import strip_accents

    def reference(text):
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    samples = ["Übersetzung für Künstliche Intelligenz, Łódź", "Ελληνικά ά", "Tiếng Việt", "Ǆ ǅ ﬁ ①",
               "a\u0301\u0302\u20d0b", "דּ", "한국어", "ŝ" * 1000]
    samples.append("".join(chr(cp) for cp in range(0x20, 0x3000) if not 0xD800 <= cp < 0xE000))
    for text in samples:
        assert strip_accents(text) == reference(text)
