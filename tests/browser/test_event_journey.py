"""The matchmaking journey of issue 15 in a real browser, on the demo's upcoming event.

The demo SME (Jonas Wimmer, Isarwelle TV) and the demo researcher (Miriam Lechner,
Universität Isarauen) register; the SME asks the researcher for a meeting from the
suggested meetings, she accepts, staff run the scheduler, both find the meeting with its
time and table in their agenda and download it as an .ics file, which is parsed back.
After the event (the app's clock moved past it) both say they met, and the map shows the
two organisations linked by a meeting at a KI.M event. Every step asserts what the person
on the page sees; the store is read only to know the slot the scheduler chose.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.browser

EVENT = "demo-matchmaking"
SME, RESEARCHER = "demo-sme-person", "demo-researcher"
SME_NAME, RESEARCHER_NAME = "Jonas Wimmer", "Miriam Lechner"
SME_ORG, RESEARCHER_ORG = "Organization:demo-sme", "Organization:demo-uni"
BERLIN = ZoneInfo("Europe/Berlin")
MET_GREEN = "#1e6b34"  # the colour map.js gives a "met" edge, and the legend shows


def _by():
    from selenium.webdriver.common.by import By

    return By


def _wait(driver, condition, timeout=60):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page that is being replaced (after a form's redirect) leaves stale elements: ask again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def _main(driver) -> str:
    return driver.find_element(_by().TAG_NAME, "main").text


def _as(browser, server, login, who):
    """Another person at the same computer: log out everyone, log in as `who`."""
    browser.delete_all_cookies()
    login(browser, server, who)


def _register(browser, server):
    By = _by()
    browser.get(server.url + "/events")
    card = browser.find_element(By.ID, f"event-{EVENT}")
    assert "Matchmaking" in card.text and "Sie sind angemeldet" not in card.text
    card.find_element(By.CSS_SELECTOR, "h3 a").click()
    _wait(browser, lambda d: d.current_url.endswith(f"/events/{EVENT}"))
    browser.find_element(By.XPATH, "//button[normalize-space()='Zur Veranstaltung anmelden']").click()
    # Registered: the page asks what I look for and when I am free, preselected from my profile.
    _wait(browser, lambda d: d.current_url.endswith(f"/events/{EVENT}/preferences"))
    assert "Sie sind angemeldet" in browser.find_element(_by().CSS_SELECTOR, ".flashes").text
    assert browser.find_element(By.NAME, "looks_for").get_attribute("value") or \
        browser.find_element(By.NAME, "offers").get_attribute("value")
    boxes = browser.find_elements(By.CSS_SELECTOR, "#availability input[type=checkbox]")
    assert len(boxes) == 9 and all(b.is_selected() for b in boxes)  # free in every slot until I say otherwise
    browser.find_element(By.XPATH, "//form//button[normalize-space()='Speichern']").click()
    _wait(browser, lambda d: d.current_url.endswith(f"/events/{EVENT}/suggestions"))


def _download_ics(browser, folder) -> bytes:
    """Click the agenda's calendar link as a person would and return the file Chromium saved."""
    By = _by()
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    browser.find_element(By.PARTIAL_LINK_TEXT, "In meinen Kalender (.ics)").click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = [n for n in os.listdir(folder) if n.endswith(".ics")]
        if done:
            with open(os.path.join(folder, done[0]), "rb") as handle:
                return handle.read()
        time.sleep(0.2)
    raise AssertionError(f"no .ics file arrived in {folder}: {os.listdir(folder)}")


def _check_calendar(data: bytes, other_name: str, slot, table: str) -> None:
    import icalendar

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.get("method") is None or str(calendar["method"]) == "PUBLISH"
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["summary"]) for e in events]
    assert "KI.M Matchmaking: KI im Lokaljournalismus" in summaries  # the event itself
    (meeting,) = [e for e in events if other_name in str(e["summary"])]
    assert str(meeting["summary"]).startswith("Treffen mit ")
    start, end = meeting.decoded("dtstart"), meeting.decoded("dtend")
    assert start.tzinfo is not None and end - start == dt.timedelta(minutes=20)
    assert start.astimezone(BERLIN).replace(tzinfo=None) == slot.start
    assert f"Tisch {table[1:]}" in str(meeting["location"])
    assert str(meeting["status"]) == "CONFIRMED"
    assert "/people/" in str(meeting["description"])  # the other side's profile link


def _map_edge(browser):
    """The map's edge between the two organisations as the renderer draws it (None: no edge)."""
    return browser.execute_script("""
        var g = window.kimMap.graph, a = arguments[0], b = arguments[1];
        if (!g.hasNode(a) || !g.hasNode(b) || !g.hasEdge(a, b) && !g.hasEdge(b, a)) { return null; }
        var e = g.hasEdge(a, b) ? g.edge(a, b) : g.edge(b, a), attrs = g.getEdgeAttributes(e);
        return {kind: attrs.kind, color: attrs.color};""", SME_ORG, RESEARCHER_ORG)


def _open_map_around_own_organisation(browser, server):
    By = _by()
    browser.get(server.url + "/map")
    _wait(browser, lambda d: d.find_element(By.ID, "map-app").get_attribute("data-state") == "ready")
    name = browser.execute_script("return window.kimMap.graph.getNodeAttribute(arguments[0], 'label')", SME_ORG)
    browser.find_element(By.ID, "map-search-input").send_keys(name)
    browser.find_element(By.CSS_SELECTOR, "#map-search button[type=submit]").click()
    _wait(browser, lambda d: d.find_element(By.ID, "map-app").get_attribute("data-state") == "ready"
          and (d.execute_script("return window.kimMap.state.focus") or "") == SME_ORG)
    assert name in browser.find_element(By.ID, "map-status").text


def test_two_members_meet_at_the_upcoming_matchmaking_event(browser, own_live_server, login, tmp_path):
    from selenium.webdriver.support.expected_conditions import staleness_of

    from kim_network.core.model import Label
    from kim_network.services.events import as_event

    By = _by()
    server = own_live_server
    downloads = str(tmp_path / "downloads")
    os.makedirs(downloads)

    # Before: the SME's neighbourhood on the map has no link to the researcher's university.
    login(browser, server, "sme")
    _open_map_around_own_organisation(browser, server)
    before = _map_edge(browser)
    assert before is None or before["kind"] != "met"

    # 1. Both register for the upcoming event.
    _register(browser, server)
    _as(browser, server, login, "researcher")
    _register(browser, server)

    # 2. The SME finds the researcher among the suggested meetings, with reasons, and asks.
    _as(browser, server, login, "sme")
    browser.get(server.url + f"/events/{EVENT}/suggestions")
    suggestion = browser.find_element(By.ID, f"suggestion-{RESEARCHER}")
    assert RESEARCHER_NAME in suggestion.find_element(By.TAG_NAME, "h3").text
    assert suggestion.find_elements(By.CSS_SELECTOR, "ul.reasons li"), "every suggestion says why"
    slot_choice = suggestion.find_element(By.CSS_SELECTOR, "select")
    assert slot_choice.find_element(By.CSS_SELECTOR, "option:checked").text.startswith("Beliebiges freies Zeitfenster")
    message = "Wir suchen automatische Untertitel für die Regionalnachrichten – passt Ihre Forschung dazu?"
    suggestion.find_element(By.TAG_NAME, "textarea").send_keys(message)
    suggestion.find_element(By.XPATH, ".//button[normalize-space()='Treffen anfragen']").click()
    _wait(browser, lambda d: d.current_url.endswith(f"/events/{EVENT}/agenda"))
    entry = browser.find_element(By.CSS_SELECTOR, "li.meeting-requested")
    assert RESEARCHER_NAME in entry.text and "Wartet auf Antwort" in entry.text
    assert "forschung@demo.kim-netzwerk.de" not in _main(browser), "no contact details before acceptance"

    # 3. The researcher accepts; now each sees the other's contact details.
    _as(browser, server, login, "researcher")
    browser.get(server.url + f"/events/{EVENT}/agenda")
    entry = browser.find_element(By.CSS_SELECTOR, "li.meeting-requested")
    assert SME_NAME in entry.text and "Bittet Sie um ein Treffen" in entry.text and message in entry.text
    entry.find_element(By.XPATH, ".//button[normalize-space()='Annehmen']").click()
    entry = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.meeting-accepted"))[0]
    assert SME_NAME in entry.text and "Angenommen" in entry.text
    assert "sme@demo.kim-netzwerk.de" in entry.find_element(By.CSS_SELECTOR, "dl.contact").text

    # 4. Staff run the scheduler: the report says what was placed, the grid shows the two.
    _as(browser, server, login, "staff")
    browser.get(server.url + f"/staff/events/{EVENT}")
    browser.find_element(By.XPATH, "//button[normalize-space()='Terminplanung starten']").click()
    report = _wait(browser, lambda d: d.find_element(By.ID, "schedule-report"))
    assert "Treffen eingeplant" in report.text
    grid = browser.find_element(By.ID, "grid").text
    assert f"{SME_NAME} · {RESEARCHER_NAME}" in grid

    (meeting,) = [m for m in server.store.all_nodes(Label.MEETING, {"event": EVENT, "requester": SME})
                  if m["recipient"] == RESEARCHER]
    event = as_event(server.store.get_node(Label.EVENT, EVENT))
    slot, table = event.slot(meeting["scheduled_slot"]), meeting["table"]

    # 5. Both see the meeting, with time and table, in their agenda and take it into their calendar.
    for who, other_name in (("sme", RESEARCHER_NAME), ("researcher", SME_NAME)):
        _as(browser, server, login, who)
        browser.get(server.url + f"/events/{EVENT}/agenda")
        entry = browser.find_element(By.CSS_SELECTOR, "li.meeting-scheduled")
        heading = entry.find_element(By.TAG_NAME, "h2").text
        assert slot.label in heading and f"Tisch {table[1:]}" in heading and other_name in heading
        assert "Bestätigt" in entry.text
        _check_calendar(_download_ics(browser, downloads), other_name, slot, table)

    # 6. After the event both say that they met; the SME found it useful.
    after = dt.datetime.combine(event.day, dt.time(18, 30), tzinfo=BERLIN).astimezone(dt.timezone.utc)
    server.app.extensions["kim.clock"] = lambda: after
    try:
        for who, follow_up in (("sme", "useful"), ("researcher", None)):
            _as(browser, server, login, who)
            browser.get(server.url + f"/events/{EVENT}/agenda")
            entry = browser.find_element(By.CSS_SELECTOR, "li.meeting-scheduled")
            form = entry.find_element(By.CSS_SELECTOR, "form.outcome-form")
            assert "Hat das Treffen stattgefunden?" in form.text
            form.find_element(By.XPATH, ".//label[normalize-space()='Wir haben uns getroffen']").click()
            if follow_up:
                form.find_element(By.XPATH, ".//label[normalize-space()='Nützlich']").click()
            form.find_element(By.XPATH, ".//button[normalize-space()='Speichern']").click()
            _wait(browser, staleness_of(form))
            said = browser.find_element(By.CSS_SELECTOR, "li.meeting-scheduled").text
            assert "Ihre Angabe: Wir haben uns getroffen" in said
            if follow_up:
                assert "Ihre Angabe: Wir haben uns getroffen · Nützlich" in said

        # Staff see the meeting as held in the event's figures.
        _as(browser, server, login, "staff")
        browser.get(server.url + f"/staff/events/{EVENT}")
        figures = browser.find_element(By.ID, "figures").text
        assert "Stattgefunden\n1" in figures or "Stattgefunden 1" in figures, figures
    finally:
        server.app.extensions.pop("kim.clock", None)

    # 7. The map shows their new connection: the two organisations linked in the green the
    #    legend explains as "met at a KI.M event".
    _as(browser, server, login, "sme")
    _open_map_around_own_organisation(browser, server)
    legend = browser.find_element(By.ID, "legend-met")
    assert legend.is_displayed() and legend.text == "Bei einer KI.M-Veranstaltung getroffen"
    swatch = legend.find_element(By.CSS_SELECTOR, ".legend-met").value_of_css_property("border-top-color")
    assert swatch in ("rgb(30, 107, 52)", "rgba(30, 107, 52, 1)")
    edge = _map_edge(browser)
    assert edge == {"kind": "met", "color": MET_GREEN}, edge
    # The search selected the SME's node: only its own links are drawn, the one to the university among them.
    assert browser.execute_script("return window.kimMap.state.selected") == SME_ORG
    drawn = browser.execute_script("""
        var g = window.kimMap.graph, a = arguments[0], b = arguments[1];
        var e = g.hasEdge(a, b) ? g.edge(a, b) : g.edge(b, a), shown = window.kimMap.renderer().getEdgeDisplayData(e);
        return shown && !shown.hidden ? shown.color : null;""", SME_ORG, RESEARCHER_ORG)
    assert drawn == MET_GREEN
    details = browser.find_element(By.ID, "map-details")
    assert details.is_displayed() and "Isarwelle TV" in details.find_element(By.TAG_NAME, "h2").text
