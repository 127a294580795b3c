"""A small fictional Bavarian media/AI ecosystem for the profile, search, introduction and API tests."""
from __future__ import annotations

from kim_network.core.model import Label, Rel
from kim_network.core.visibility import Viewer
from tests.conftest import gen_org, gen_skill
from tests.support.world import PASSWORD, account_record

SME = Viewer(role="member", account_id="acc-bm", organization_id="org-bm")
TECH = Viewer(role="member", account_id="acc-ak", organization_id="org-ak")
RESEARCHER = Viewer(role="member", account_id="acc-lena", organization_id="org-uni", person_id="p-lena")
STAFF = Viewer(role="staff", account_id="acc-staff")


def account(account_id: str, email: str, role: str = "member", **extra) -> dict:
    return account_record(account_id, email, role, created_at="2025-01-01T00:00:00+00:00", **extra)


def seed(store) -> None:
    """Skills with a hierarchy, six organisations of every visibility, one researcher, four accounts."""
    store.upsert_nodes(Label.SKILL, [
        gen_skill("audio", "Audio-KI", "Audio AI"),
        gen_skill("asr", "Spracherkennung", "Speech recognition"),
        gen_skill("subtitles", "Automatische Untertitelung", "Automatic subtitling"),
        gen_skill("nlp", "Sprachverarbeitung", "Natural language processing"),
        gen_skill("recsys", "Empfehlungssysteme", "Recommender systems"),
        gen_skill("vision", "Bildanalyse", "Image analysis"),
    ])
    store.upsert_edges(Rel.BROADER, [{"source": "asr", "target": "audio"},
                                     {"source": "subtitles", "target": "asr"}])
    recent = "2026-01-10T00:00:00+00:00"
    store.upsert_nodes(Label.ORGANIZATION, [
        gen_org(1, id="org-bm", name="Bergmedia Rosenheim", contact_email="kontakt@bergmedia.example",
                contact_phone="+49 8031 1234", confirmed_at=recent,
                description_de="Lokalfernsehen sucht automatische Untertitel"),
        gen_org(2, id="org-ak", name="Alpenklang KI", kind="tech_provider", region="DE27", city="Augsburg",
                contact_email="hallo@alpenklang.example", confirmed_at="2020-03-01T00:00:00+00:00",
                description_de="Spracherkennung und Untertitelung für Sender"),
        gen_org(3, id="org-fk", name="Frankenfunk", sme=False, region="DE25", city="Nürnberg",
                visibility="members", description_de="Hörfunk mit Empfehlungssystemen"),
        gen_org(4, id="org-hidden", name="Geheimlabor Isar", kind="research_institute", sme=False,
                visibility="staff", description_de="Forschung zu Spracherkennung"),
        gen_org(5, id="org-uni", name="Hochschule Donau", kind="university", sme=False, region="DE22",
                city="Passau", description_de="Sprachverarbeitung und Medieninformatik"),
        gen_org(6, id="org-pend", name="Neugründung Spracherkennung", kind="company", pending=True),
    ])
    store.upsert_nodes(Label.PERSON, [{
        "id": "p-lena", "name": "Dr. Lena Huber", "kind": "researcher", "title": "Professorin",
        "email": "lena.huber@hs-donau.example", "email_visibility": "members",
        "phone": "+49 851 5555", "phone_visibility": "staff", "visibility": "public",
        "region": "DE22", "city": "Passau", "description_de": "Spracherkennung für Dialekte",
    }])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "p-lena", "target": "org-uni", "role": "Professorin"}])
    store.upsert_edges(Rel.NEEDS, [{"source": "org-bm", "target": "subtitles"}])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-ak", "target": "subtitles"},
                                    {"source": "org-fk", "target": "recsys"}])
    store.upsert_edges(Rel.HAS_SKILL, [
        {"source": "org-ak", "target": "asr"},
        {"source": "org-hidden", "target": "asr"},
        {"source": "org-uni", "target": "nlp"},
        {"source": "p-lena", "target": "asr", "source_label": "Person"},
    ])
    store.upsert_nodes(Label.PROJECT, [
        {"id": "prj-dialekt", "title": "Dialekt-Untertitel für Regionalsender", "acronym": "DIALEKT",
         "objective": "Spracherkennung für bairische Dialekte und automatische Untertitel",
         "start_date": "2024-01-01", "visibility": "public"},
        {"id": "prj-radio", "title": "Personalisierte Radioprogramme", "acronym": "RADIOREC",
         "objective": "Empfehlungssysteme für Hörfunk", "start_date": "2023-05-01", "visibility": "public"},
    ])
    store.upsert_edges(Rel.PARTICIPATED_IN, [
        {"source": "org-ak", "target": "prj-dialekt", "role": "coordinator"},
        {"source": "org-uni", "target": "prj-dialekt", "role": "participant"},
        {"source": "p-lena", "target": "prj-dialekt", "source_label": "Person", "role": "participant"},
        {"source": "org-fk", "target": "prj-radio", "role": "coordinator"},
        {"source": "org-bm", "target": "prj-radio", "role": "participant"},
    ])
    store.upsert_nodes(Label.ACCOUNT, [
        account("acc-bm", "anna@bergmedia.example", organization_id="org-bm", name="Anna Berg"),
        account("acc-ak", "alex@alpenklang.example", organization_id="org-ak", name="Alex Klang",
                language="en"),
        account("acc-lena", "lena.huber@hs-donau.example", organization_id="org-uni", person_id="p-lena",
                name="Lena Huber"),
        account("acc-staff", "team@ki-m.example", role="staff", name="KI.M Team"),
    ])


def login(client, email: str, lang: str | None = None):
    """Log the test client in as one of the seeded accounts (optionally choosing a language)."""
    from tests.conftest import csrf_token

    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if lang:
        client.get(f"/?lang={lang}")
    return response


def field_block(html: str, field_id: str) -> str:
    """The `<div class="field ...">` that holds the input with this id (error messages sit inside)."""

    at = html.index(f'id="{field_id}"')
    start = html.rfind('<div class="field', 0, at)
    end = html.find("</div>", at)
    assert start != -1 and end != -1
    return html[start:end]


def text_of(response) -> str:
    return response.get_data(as_text=True)
