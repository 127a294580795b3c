"""Name badges as a PDF, on both stores: what staff print and what the participants would read on them."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from kim_network.core.errors import NotAllowed
from kim_network.core.model import Label, Rel
from kim_network.services import event_badges, events as ev, meetings as mt
from tests.conftest import csrf_token
from tests.support.client import login
from tests.support.world import ALEX, ANNA, BEFORE, EVENT_STAFF as STAFF, seed_event

BASE = "https://netzwerk.ki-m.example"


@pytest.fixture
def world(store):
    eid = seed_event(store)
    ev.register(store, ANNA, eid, now=BEFORE)
    ev.register(store, ALEX, eid, now=BEFORE)
    return store, eid


def pages(pdf: bytes) -> list[str]:
    """Each sheet's text with line breaks as spaces (a long name is wrapped onto two lines)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def links(pdf: bytes) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for page in PdfReader(io.BytesIO(pdf)).pages
            for a in page.get("/Annots", [])]


def add_participants(store, eid, n):
    """`n` more people registered like Anna (same registration fields), with names beyond Latin-1."""
    (anna,) = [e for e in store.edges(Label.PERSON, "p-anna", Rel.ATTENDS, "out") if e.target == eid]
    store.upsert_nodes(Label.PERSON, [{"id": f"p-x{i}", "name": f"Zoë Łukasiewicz-Ørsted {i:02d}",
                                       "kind": "expert", "visibility": "members"} for i in range(n)])
    store.upsert_edges(Rel.ATTENDS, [{"source": f"p-x{i}", "target": eid, **anna.props} for i in range(n)])


def test_a_badge_carries_name_organisation_needs_offers_and_profile_link(world):
    store, eid = world
    pdf = event_badges.badges_pdf(store, STAFF, ev.get_event(store, STAFF, eid), "de", BASE)
    (text,) = pages(pdf)
    assert "Anna Berg" in text and "Alex Klang" in text
    assert "Bergmedia" in text
    assert "Sucht: Automatische Untertitelung" in text and "Bietet: Automatische Untertitelung" in text
    assert "Fritz Funk" not in text  # not registered
    assert sorted(links(pdf)) == [f"{BASE}/people/p-alex", f"{BASE}/people/p-anna"]


def test_badges_in_english_and_ten_to_a_sheet_with_every_name_printable(world):
    store, eid = world
    add_participants(store, eid, 10)
    pdf = event_badges.badges_pdf(store, STAFF, ev.get_event(store, STAFF, eid), "en", BASE + "/")
    sheets = pages(pdf)
    assert len(sheets) == 2  # 12 badges
    assert "Looks for: Automatic subtitling" in sheets[0] and "Sucht" not in sheets[0]
    text = "\n".join(sheets)
    assert all(f"Zoë Łukasiewicz-Ørsted {i:02d}" in text for i in range(10))
    assert len(links(pdf)) == 12 and f"{BASE}/people/p-x0" in links(pdf)


def test_a_cancelled_registration_gets_no_badge(world):
    store, eid = world
    mt.cancel_registration(store, ALEX, eid, now=BEFORE)
    pdf = event_badges.badges_pdf(store, STAFF, ev.get_event(store, STAFF, eid), "de", BASE)
    assert "Alex Klang" not in pages(pdf)[0] and "Anna Berg" in pages(pdf)[0]


def test_an_event_without_participants_gives_one_sheet_that_says_so(store):
    eid = seed_event(store)
    pdf = event_badges.badges_pdf(store, STAFF, ev.get_event(store, STAFF, eid), "en", BASE)
    (text,) = pages(pdf)
    assert "Nobody is registered for this event yet." in text and links(pdf) == []


def test_only_staff_print_badges(world):
    store, eid = world
    with pytest.raises(NotAllowed):
        event_badges.badges_pdf(store, ANNA, ev.get_event(store, ANNA, eid), "de", BASE)


def test_characters_the_font_lacks_are_folded_not_dropped(world):
    latin1 = event_badges.Fonts("Helvetica", "Helvetica-Bold", frozenset(range(256)))
    assert latin1.printable("Łódź Zoë 北") == "?ódz Zoë ?"
    store, eid = world
    add_participants(store, eid, 1)
    import reportlab

    store.update_node(Label.PERSON, "p-x0", {"name": "Ágnes Kővári Жанна"})
    vera = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")  # no ő, no Cyrillic
    pdf = event_badges.badges_pdf(store, STAFF, ev.get_event(store, STAFF, eid), "de", BASE, (vera, vera))
    assert "Ágnes Kovári ?????" in pages(pdf)[0]


def test_a_badge_font_that_is_not_a_file_stops_the_start(monkeypatch):
    from kim_network import create_app
    from kim_network.config import ConfigError

    monkeypatch.setenv("KIM_DEMO", "1")
    monkeypatch.setenv("KIM_BADGE_FONT", "/nonexistent/Font.ttf")
    with pytest.raises(ConfigError, match="KIM_BADGE_FONT names /nonexistent/Font.ttf"):
        create_app()


def test_staff_download_the_badges_from_the_event_page(app, store):
    eid = seed_event(store)
    anna, staff = app.test_client(), app.test_client()
    login(anna, "anna@bergmedia.example")
    login(staff, "team@ki-m.example")
    anna.post(f"/events/{eid}/register", data={"csrf_token": csrf_token(anna, f"/events/{eid}")})
    page = staff.get(f"/staff/events/{eid}").get_data(as_text=True)
    assert f"/staff/events/{eid}/badges.pdf" in page
    response = staff.get(f"/staff/events/{eid}/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "kim-badges-" in response.headers["Content-Disposition"]
    assert "Anna Berg" in pages(response.data)[0]
    assert anna.get(f"/staff/events/{eid}/badges.pdf").status_code == 403
