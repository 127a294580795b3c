"""A small fictional Bavarian AI-and-media ecosystem, generated from a seed, for analytics tests.

Two clusters that never worked together: AI research groups (Oberbayern, Mittelfranken)
and media SMEs (Schwaben, Oberfranken) whose needs the researchers cover. Some profiles
are visible to members only or to staff only, one is pending, one merged.
"""
from __future__ import annotations

import random

SKILLS = [
    ("asr", "Spracherkennung", "Speech recognition"),
    ("nlp", "Sprachverarbeitung", "Natural language processing"),
    ("cv", "Bildverstehen", "Computer vision"),
    ("rec", "Empfehlungssysteme", "Recommender systems"),
    ("subtitles", "Untertitelung", "Subtitling"),
    ("xr", "Erweiterte Realität", "Extended reality"),
    ("factcheck", "Faktenprüfung", "Fact checking"),
    ("archive", "Archivierung", "Archiving"),
    ("video", "Videoproduktion", "Video production"),
    ("podcast", "Podcastproduktion", "Podcast production"),
]
RESEARCH = ["KI-Labor Garching", "Lehrstuhl Sprachtechnologie Erlangen", "Institut für Bildanalyse München",
            "Forschungsgruppe Medieninformatik Nürnberg", "Zentrum für Datenethik Würzburg", "Audio-KI Labor Passau"]
MEDIA = ["Allgäu Rundschau Digital", "Frankenwelle Radio", "Regio TV Schwaben", "Isar Podcast Studio",
         "Lechfeld Verlag", "Main-Spessart Medien", "Donau Film Kollektiv", "Bamberger Bildwerk"]


def ecosystem_records(seed: int = 7) -> tuple[list, list]:
    """`(nodes, edges)` in the store's export shapes."""
    rnd = random.Random(seed)
    nodes, edges = [], []
    for sid, de, en in SKILLS:
        nodes.append(("Skill", {"id": sid, "label_de": de, "label_en": en, "source": "kim"}))
    for i, name in enumerate(RESEARCH):
        nodes.append(("Organization", {
            "id": f"res-{i}", "name": name, "kind": "research_institute" if i % 2 else "university",
            "region": ["DE21", "DE25"][i % 2], "city": "München", "visibility": "public", "sme": False,
            "created_at": f"{2021 + i % 3}-0{1 + i % 8}-15", "confirmed_at": "2025-06-01",
            "description_de": "Forschung", "source": "member"}))
        for s in rnd.sample(["asr", "nlp", "cv", "rec", "factcheck"], 3):
            edges.append({"type": "OFFERS", "source": f"res-{i}", "target": s})
    for i, name in enumerate(MEDIA):
        nodes.append(("Organization", {
            "id": f"med-{i}", "name": name, "kind": "media_company", "sme": True,
            "region": ["DE27", "DE24"][i % 2], "city": "Augsburg", "visibility": "public",
            "created_at": f"{2022 + i % 3}-1{i % 2}-01", "confirmed_at": "2025-03-01",
            "description_de": "Medien", "source": "member"}))
        for s in rnd.sample(["video", "podcast", "archive", "xr"], 2):
            edges.append({"type": "OFFERS", "source": f"med-{i}", "target": s})
        for s in rnd.sample(["asr", "subtitles", "cv", "factcheck"], 2):
            edges.append({"type": "NEEDS", "source": f"med-{i}", "target": s})
    # Projects inside each cluster only.
    for p in range(6):
        nodes.append(("Project", {"id": f"proj-r{p}", "title": f"KI-Projekt {p}", "signed_date": f"{2021 + p % 4}-05-01",
                                  "visibility": "public"}))
        for i in rnd.sample(range(len(RESEARCH)), 3):
            edges.append({"type": "PARTICIPATED_IN", "source": f"res-{i}", "target": f"proj-r{p}"})
    for p in range(6):
        nodes.append(("Project", {"id": f"proj-m{p}", "title": f"Medienprojekt {p}", "signed_date": f"{2022 + p % 3}-02-01",
                                  "visibility": "public"}))
        for i in rnd.sample(range(len(MEDIA)), 3):
            edges.append({"type": "PARTICIPATED_IN", "source": f"med-{i}", "target": f"proj-m{p}"})
    # People: researchers and media professionals at their organisations.
    for i in range(10):
        org = f"res-{i % len(RESEARCH)}" if i < 5 else f"med-{i % len(MEDIA)}"
        nodes.append(("Person", {"id": f"person-{i}", "name": f"Person {i}",
                                 "kind": "researcher" if i < 5 else "media_professional",
                                 "visibility": "members" if i % 3 == 0 else "public",
                                 "created_at": "2024-01-01", "source": "member"}))
        edges.append({"type": "WORKS_AT", "source": f"person-{i}", "target": org})
    # Hidden, pending, merged and isolated profiles.
    nodes.append(("Organization", {"id": "secret-lab", "name": "Geheimlabor Ingolstadt", "kind": "research_institute",
                                   "region": "DE21", "visibility": "staff", "source": "member"}))
    edges.append({"type": "PARTICIPATED_IN", "source": "secret-lab", "target": "proj-r0"})
    edges.append({"type": "OFFERS", "source": "secret-lab", "target": "xr"})
    nodes.append(("Organization", {"id": "members-only", "name": "Nur-Mitglieder Agentur", "kind": "company",
                                   "region": "DE22", "visibility": "members", "sme": True, "source": "member"}))
    edges.append({"type": "PARTICIPATED_IN", "source": "members-only", "target": "proj-m0"})
    nodes.append(("Organization", {"id": "pending-org", "name": "Wartend GmbH", "kind": "company",
                                   "visibility": "public", "pending": True, "source": "member"}))
    nodes.append(("Organization", {"id": "old-dup", "name": "Allgäu Rundschau (Dublette)", "kind": "media_company",
                                   "visibility": "public", "merged_into": "med-0", "source": "member"}))
    nodes.append(("Organization", {"id": "loner", "name": "Einsiedler Medien", "kind": "media_company",
                                   "region": "DE23", "visibility": "public", "sme": True,
                                   "created_at": "2022-01-01", "confirmed_at": "2022-02-01", "source": "member"}))
    edges.append({"type": "NEEDS", "source": "loner", "target": "video"})
    edges.append({"type": "NEEDS", "source": "loner", "target": "archive"})
    nodes.append(("Introduction", {"id": "intro-1", "requester_account": "acc-1", "requester_org": "med-1",
                                   "target_org": "res-1", "status": "accepted", "created_at": "2025-01-01"}))
    nodes.append(("Introduction", {"id": "intro-2", "requester_account": "acc-2", "requester_org": "med-2",
                                   "target_org": "res-2", "status": "declined", "created_at": "2025-01-02"}))
    nodes.append(("Introduction", {"id": "intro-3", "requester_account": "acc-2", "requester_org": "med-3",
                                   "target_org": "res-3", "status": "requested", "created_at": "2025-01-03"}))
    return nodes, edges


def seed_store(store, seed: int = 7) -> None:
    """Write the fictional ecosystem into a store through its public interface."""
    from tests.support.world import load_records

    load_records(store, *ecosystem_records(seed))


# A member of "Regio TV Schwaben" (med-2) and a KI.M staff member, for the web tests.
ACCOUNTS = {
    "member": ("member@regio-tv.example", "Regio-TV-2026!x"),
    "staff": ("team@ki-m.example", "Team-KIM-2026!x"),
}


def seed_with_accounts(store, auth, seed: int = 7) -> None:
    """The ecosystem plus the two `ACCOUNTS`, registered through the auth helper."""
    seed_store(store, seed)
    auth.register_account(store, *ACCOUNTS["member"], organization_id="med-2")
    auth.register_account(store, *ACCOUNTS["staff"], role="staff")
