"""A small fictional Bavarian AI-and-media graph for matching tests (hand-built, no real data)."""
from __future__ import annotations

SKILLS = [
    ("ai", "Künstliche Intelligenz", "Artificial intelligence", None),
    ("nlp", "Sprachverarbeitung", "Natural language processing", "ai"),
    ("asr", "Spracherkennung", "Speech recognition", "nlp"),
    ("subtitles", "Untertitelung", "Automatic subtitling", "asr"),
    ("factcheck", "Faktenprüfung", "Fact checking", "nlp"),
    ("cv", "Bildverarbeitung", "Computer vision", "ai"),
    ("broadcast", "Sendeabwicklung", "Broadcast production", None),
    ("publishing", "Verlagswesen", "Publishing", None),
]

ORGS = [
    # id, name, kind, sme, region, offers, needs, extra
    ("o-kanal", "Isarkanal Fernsehen", "media_company", False, "DE212", ["broadcast"], ["subtitles", "asr"], {}),
    ("o-sprach", "SprachWerk GmbH", "tech_provider", True, "DE212", ["asr", "subtitles"], ["broadcast"], {}),
    ("o-bild", "BildKlar AG", "tech_provider", False, "DE254", ["cv"], [], {}),
    ("o-franken", "Frankenfernsehen", "media_company", False, "DE241", ["broadcast"], ["subtitles"], {}),
    ("o-thi", "Technische Hochschule Isar", "university", False, "DE212", ["asr", "nlp", "cv"], [], {}),
    ("o-thi-sprache", "Technische Hochschule Isar – Labor Sprache", "university", False, "DE212", ["asr", "subtitles"], [], {}),
    ("o-thi-bild", "Technische Hochschule Isar – Labor Bild", "university", False, "DE212", ["cv", "subtitles"], [], {}),
    ("o-fakt", "Faktenfinder Institut", "research_institute", False, "DE271", ["factcheck", "nlp"], [], {}),
    ("o-verlag", "Donau Verlag", "media_company", True, "DE222", ["publishing"], ["factcheck"], {}),
    ("o-geheim", "Geheimlabor GmbH", "tech_provider", True, "DE212", ["asr", "subtitles"], [], {"visibility": "members"}),
    ("o-offen", "Offen Untertitel UG", "tech_provider", True, "DE213", ["subtitles"], [], {"pending": True}),
    ("o-neu", "Untertitel Start-up GmbH", "tech_provider", True, "DE232", ["subtitles"], [], {}),
    ("o-paris", "Sous-Titres SA", "company", False, "FR101", ["subtitles", "asr"], [], {}),
]

PROJECTS = [
    # id, title, signed, members (org, role), skills, extra
    ("p-untertitel", "Automatic subtitles for regional television news", "2022-03-01",
     [("o-kanal", "coordinator"), ("o-thi", "participant"), ("o-fakt", "participant")], ["subtitles", "asr"], {}),
    ("p-dialekt", "Speech recognition for Bavarian dialects", "2023-02-01",
     [("o-thi", "coordinator"), ("o-sprach", "participant")], ["asr"], {}),
    ("p-geheim", "Confidential archive pilot", "2023-05-01",
     [("o-kanal", "coordinator"), ("o-geheim", "participant")], ["asr"], {"visibility": "staff"}),
    ("p-paris", "Multilingual subtitling exchange", "2023-06-01",
     [("o-geheim", "coordinator"), ("o-paris", "participant")], ["subtitles"], {}),
    ("p-fakten", "Fact checking for local newsrooms", "2023-09-01",
     [("o-fakt", "coordinator"), ("o-verlag", "participant")], ["factcheck"], {}),
    ("p-archiv", "Image analysis for broadcast archives", "2022-11-01",
     [("o-bild", "coordinator"), ("o-thi-bild", "participant"), ("o-franken", "participant")], ["cv"], {}),
]

PEOPLE = [
    ("per-anna", "Dr. Anna Huber", "researcher", "o-thi", ["asr", "nlp"]),
    ("per-ben", "Ben Maier", "researcher", "o-fakt", ["factcheck"]),
    ("per-carla", "Carla Schmid", "media_professional", "o-kanal", ["broadcast"]),
]


def graph() -> tuple[list, list]:
    """Nodes `(label, props)` and edge dicts of the fictional graph."""
    nodes, edges = [], []
    for sid, de, en, parent in SKILLS:
        nodes.append(("Skill", {"id": sid, "label_de": de, "label_en": en, "source": "kim"}))
        if parent:
            edges.append({"type": "BROADER", "source": sid, "target": parent})
    for oid, name, kind, sme, nuts, offers, needs, extra in ORGS:
        nodes.append(("Organization", {"id": oid, "name": name, "kind": kind, "sme": sme, "nuts3": nuts,
                                       "region": nuts[:4], "country": nuts[:2], "visibility": "public",
                                       "description_en": f"{name} works on " + ", ".join(offers), **extra}))
        for s in offers:
            edges.append({"type": "OFFERS", "source": oid, "target": s})
        for s in needs:
            edges.append({"type": "NEEDS", "source": oid, "target": s})
    for pid, title, signed, members, skills, extra in PROJECTS:
        nodes.append(("Project", {"id": pid, "title": title, "signed_date": signed, "visibility": "public",
                                  "topic": "HORIZON-CL4-2022-HUMAN-01-01", **extra}))
        for org, role in members:
            edges.append({"type": "PARTICIPATED_IN", "source": org, "target": pid, "role": role})
        for s in skills:
            edges.append({"type": "REQUIRES", "source": pid, "target": s, "source_label": "Project"})
    for pid, name, kind, org, offers in PEOPLE:
        nodes.append(("Person", {"id": pid, "name": name, "kind": kind, "visibility": "public"}))
        edges.append({"type": "WORKS_AT", "source": pid, "target": org})
        for s in offers:
            edges.append({"type": "OFFERS", "source": pid, "target": s, "source_label": "Person"})
    nodes.append(("Call", {"id": "call-medien", "title": "Media innovation: subtitles, fact checking, vision",
                           "min_partners": 3, "max_partners": 5, "min_sme": 1, "min_university": 1,
                           "lead_region": "DE2"}))
    for s in ("subtitles", "factcheck", "cv"):
        edges.append({"type": "REQUIRES", "source": "call-medien", "target": s, "source_label": "Call"})
    return nodes, edges


def load_into(store) -> None:
    """Write the fictional graph into a store through its public interface."""
    from tests.support.world import load_records

    load_records(store, *graph())
