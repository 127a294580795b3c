"""The one fictional world of the tests: a small Bavarian media/AI ecosystem, and what every scene
is built from (the one password, its hashes, the account record, a loader of `(label, props)` nodes
and edge dicts).

- `seed(store)`: skills with a hierarchy, six organisations of every visibility (Bergmedia
  Rosenheim, Alpenklang KI, Frankenfunk, Geheimlabor Isar, Hochschule Donau, a pending
  registration), the researcher Lena Huber, two projects and four accounts (pages, search,
  introductions, API);
- `seed_event(store)`: that world plus the people behind its member accounts and one upcoming
  matchmaking event with a 14:00-15:00 grid of 20-minute slots (the event tests).

Three scenes stay apart: `tests.trust.world` (the authorization matrix's five roles, a pending
registration and one record of every kind; its ids fill every route and stand in some 200
assertions, and it is seeded afresh for each of ~3,000 cases), `tests.analytics.ecosystem_data`
(a generated two-cluster graph whose indicators the tests count exactly) and
`tests.matching.fixtures` (a hand-built graph whose rankings the tests check exactly). The browser
journeys run on the product's own demo ecosystem (`kim_network.demo`), as a visitor would see it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from typing import Iterable

from kim_network.core.model import Label, Rel
from kim_network.core.visibility import Viewer

PASSWORD = "Redaktion-Nord-7"
CONSENT = "2026-01"
# A cheap hash for tests that log in many times; the trust world keeps the production method.
FAST_HASH = "pbkdf2:sha256:1000"


@lru_cache(maxsize=4)
def password_hash(method: str | None = None) -> str:
    """One hash of PASSWORD per method, shared by every account (hashing per account is slow)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method=method) if method else generate_password_hash(PASSWORD)


def account_record(account_id: str, email: str, role: str = "member", *, created_at: str,
                   method: str | None = FAST_HASH, **extra) -> dict:
    """An approved Account node with PASSWORD and the current consent."""
    return {"id": account_id, "email": email, "password_hash": password_hash(method), "role": role,
            "approved": True, "name": extra.pop("name", email.split("@")[0].title()),
            "created_at": created_at, "consent_version": CONSENT, "consent_at": created_at, **extra}


def load_records(store, nodes: Iterable[tuple[str, dict]], edges: Iterable[dict],
                 labels: Iterable[str] = ("Skill", "Organization", "Person", "Project", "Call", "Introduction")) -> None:
    """Write `(label, props)` nodes (in the order of `labels`) and `{"type", "source", "target", ...}`
    edges into a store through its public interface; each edge's end labels come from the nodes."""
    from kim_network.core.model import REL_SCHEMA, Label, Rel

    by_label: dict[str, list] = defaultdict(list)
    label_of = {}
    for label, props in nodes:
        by_label[label].append(props)
        label_of[props["id"]] = label
    for label in labels:
        if by_label.get(label):
            store.upsert_nodes(Label(label), by_label[label])
    by_rel: dict[str, list] = defaultdict(list)
    for edge in edges:
        row = {k: v for k, v in edge.items() if k != "type"}
        row["source_label"], row["target_label"] = label_of[row["source"]], label_of[row["target"]]
        by_rel[edge["type"]].append(row)
    for rel, rows in by_rel.items():
        for row in rows:
            assert (Label(row["source_label"]), Label(row["target_label"])) in REL_SCHEMA[Rel(rel)].endpoints, row
        store.upsert_edges(Rel(rel), rows)


# -- the world -----------------------------------------------------------------------------
SME = Viewer(role="member", account_id="acc-bm", organization_id="org-bm")
TECH = Viewer(role="member", account_id="acc-ak", organization_id="org-ak")
RESEARCHER = Viewer(role="member", account_id="acc-lena", organization_id="org-uni", person_id="p-lena")
STAFF = Viewer(role="staff", account_id="acc-staff")


def account(account_id: str, email: str, role: str = "member", **extra) -> dict:
    return account_record(account_id, email, role, created_at="2025-01-01T00:00:00+00:00", **extra)


def seed(store) -> None:
    """Skills with a hierarchy, six organisations of every visibility, one researcher, four accounts."""
    from tests.conftest import gen_org, gen_skill

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


# -- the event layer -----------------------------------------------------------------------
DAY = dt.date(2031, 6, 3)
# "Now" for the tests: a week before the event, in UTC.
BEFORE = dt.datetime(2031, 5, 27, 9, 0, tzinfo=dt.timezone.utc)
DURING = dt.datetime(2031, 6, 3, 13, 0, tzinfo=dt.timezone.utc)  # 15:00 in Munich: after the slots
AFTER = dt.datetime(2031, 6, 4, 9, 0, tzinfo=dt.timezone.utc)
S1, S2, S3 = "2031-06-03T14:00", "2031-06-03T14:20", "2031-06-03T14:40"

ANNA = Viewer(role="member", account_id="acc-bm", organization_id="org-bm", person_id="p-anna")
ALEX = Viewer(role="member", account_id="acc-ak", organization_id="org-ak", person_id="p-alex")
LENA = RESEARCHER
EVENT_STAFF = Viewer(role="staff", account_id="acc-staff", person_id="p-team")  # STAFF with a person
OUTSIDER = Viewer(role="member", account_id="acc-fk", organization_id="org-fk", person_id="p-fritz")


def event_input(**overrides):
    """The event's form input (an `events.EventInput`), with `overrides`."""
    from kim_network.services import events as ev

    data = dict(title="Matchmaking-Abend: Untertitel", title_en="Matchmaking evening: subtitles",
                format="matchmaking", date=DAY.isoformat(), start_time="13:30", end_time="17:00",
                city="München", place="Haus der Medien, Rundfunkplatz 1", tables=2,
                slots_from="14:00", slots_until="15:00", slot_minutes=20,
                registration_deadline="2031-06-02T18:00")
    data.update(overrides)
    return ev.EventInput(**data)


def seed_event(store) -> str:
    """The world with the people behind its member accounts and the event; returns the event id."""
    from kim_network.services import events as ev

    seed(store)
    store.upsert_nodes(Label.PERSON, [
        {"id": "p-anna", "name": "Anna Berg", "kind": "media_professional", "visibility": "members",
         "email": "anna.berg@bergmedia.example", "email_visibility": "members"},
        {"id": "p-alex", "name": "Alex Klang", "kind": "expert", "visibility": "members",
         "phone": "+49 821 777", "phone_visibility": "staff"},
        {"id": "p-fritz", "name": "Fritz Funk", "kind": "media_professional", "visibility": "members"},
        {"id": "p-team", "name": "KI.M Team", "kind": "expert", "visibility": "members"},
    ])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "p-anna", "target": "org-bm"},
                                      {"source": "p-alex", "target": "org-ak"},
                                      {"source": "p-fritz", "target": "org-fk"}])
    store.update_node(Label.ACCOUNT, "acc-bm", {"person_id": "p-anna"})
    store.update_node(Label.ACCOUNT, "acc-ak", {"person_id": "p-alex"})
    store.update_node(Label.ACCOUNT, "acc-staff", {"person_id": "p-team"})
    store.upsert_nodes(Label.ACCOUNT, [account("acc-fk", "fritz@frankenfunk.example",
                                                         organization_id="org-fk", person_id="p-fritz")])
    return ev.save_event(store, EVENT_STAFF, event_input(), now=BEFORE).id
