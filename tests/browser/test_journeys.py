"""The platform's journeys in a real browser: an SME asks for a partner (KI.M passes it on) and
for a researcher (she answers), a researcher finds media collaborators, the language switches."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _by():
    from selenium.webdriver.common.by import By

    return By


def _wait(driver, condition, timeout=60):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page that is being replaced (after a form's redirect) leaves stale elements: ask again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def test_sme_asks_for_a_partner_without_an_account_and_kim_passes_it_on(browser, live_server, login):
    """The demo's organisations have no accounts: the request goes to KI.M, who record the outcome."""
    By = _by()
    login(browser, live_server, "sme")
    browser.get(live_server.url + "/matches")
    partners = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[id^='match-partners-']"))
    first = partners[0]
    first_id = first.get_attribute("id")
    partner_name = first.find_element(By.CSS_SELECTOR, "h3 a").text
    reasons = [li.text for li in first.find_elements(By.CSS_SELECTOR, "ul.reasons li")]
    assert reasons, "every suggestion says why"
    assert any(r.startswith("Bietet, was Sie suchen:") for r in reasons), reasons  # a declared offer
    strength = first.find_element(By.CSS_SELECTOR, ".strength").text
    assert "Passt sehr gut" in strength and "Unter den besten" in strength  # a strength one can read

    first.find_element(By.LINK_TEXT, "Kontakt anfragen").click()
    _wait(browser, lambda d: "Kontaktanfrage an" in d.find_element(By.TAG_NAME, "h1").text)
    assert partner_name in browser.find_element(By.TAG_NAME, "h1").text
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Vermittlung durch KI.M" in main  # nobody there has an account: KI.M passes it on
    why = browser.find_element(By.CSS_SELECTOR, "section.why").text
    assert "Warum KI.M Netzwerk" in why and why.count("\n") >= 1  # why the match was suggested

    # Sending without a message is refused next to the field; nothing is stored.
    before = live_server.store.count_nodes("Introduction")
    browser.find_element(By.XPATH, "//button[normalize-space()='Anfrage senden']").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "ul.field-errors, .error-summary"))
    assert live_server.store.count_nodes("Introduction") == before

    message = "Wir suchen automatische Untertitel für unsere Regionalnachrichten – auch auf Bairisch."
    browser.find_element(By.NAME, "message").send_keys(message)
    browser.find_element(By.XPATH, "//button[normalize-space()='Anfrage senden']").click()
    _wait(browser, lambda d: "/introductions/" in d.current_url and "new" not in d.current_url)
    intro_url = browser.current_url
    assert "Wartet auf Antwort" in browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.CSS_SELECTOR, "section.contacts"), "no contact details yet"

    # KI.M staff find it in their queue and record that they reached the organisation.
    browser.delete_all_cookies()
    login(browser, live_server, "staff")
    browser.get(live_server.url + "/introductions/queue")
    item = _wait(browser, lambda d: d.find_element(By.ID, "queue-" + intro_url.rsplit("/", 1)[1]))
    assert partner_name in item.text and message in item.text
    item.find_element(By.CSS_SELECTOR, "input[value='reached']").click()
    item.find_element(By.NAME, "note").send_keys("Frau Sommer meldet sich diese Woche bei Ihnen.")
    item.find_element(By.XPATH, ".//button[normalize-space()='Ergebnis festhalten']").click()
    _wait(browser, lambda d: "Zurzeit nichts weiterzugeben" in d.find_element(By.TAG_NAME, "main").text
          or not d.find_elements(By.ID, "queue-" + intro_url.rsplit("/", 1)[1]))

    # The SME follows the status on the platform, without any e-mail.
    browser.delete_all_cookies()
    login(browser, live_server, "sme")
    browser.get(live_server.url + "/introductions")
    overview = browser.find_element(By.TAG_NAME, "main").text
    assert partner_name in overview and "Von KI.M weitergegeben" in overview
    browser.get(intro_url)
    assert "Frau Sommer meldet sich diese Woche bei Ihnen." in browser.find_element(By.TAG_NAME, "main").text
    browser.get(live_server.url + "/matches")
    assert "Ihre Kontaktanfrage" in _wait(browser, lambda d: d.find_element(By.ID, first_id)).text


def test_a_request_for_a_person_reaches_her_and_reveals_her_own_contact(browser, live_server, login):
    """ "Kontakt anfragen" on Prof. Lechner goes to her, not to her university's switchboard."""
    By = _by()
    login(browser, live_server, "sme")
    browser.get(live_server.url + "/people/demo-researcher")
    browser.find_element(By.LINK_TEXT, "Kontakt anfragen").click()
    _wait(browser, lambda d: "Miriam Lechner" in d.find_element(By.TAG_NAME, "h1").text)
    assert "persönlich" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.NAME, "message").send_keys("Können wir über Dialekt-Untertitel sprechen?")
    browser.find_element(By.XPATH, "//button[normalize-space()='Anfrage senden']").click()
    _wait(browser, lambda d: "/introductions/" in d.current_url and "new" not in d.current_url)
    intro_url = browser.current_url

    browser.delete_all_cookies()
    login(browser, live_server, "researcher")
    browser.get(intro_url)
    main = browser.find_element(By.TAG_NAME, "main").text
    # The recipient reads reasons written for her side, in her language.
    assert "Warum KI.M Netzwerk Isarwelle TV GmbH vorschlägt" in main
    assert "Sucht, was Sie anbieten" in main and "Bietet, was Sie suchen" not in main
    browser.find_element(By.XPATH, "//button[normalize-space()='Annehmen']").click()
    contacts = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.contacts"))
    assert "info@isarwelle-tv.example" in contacts[0].text  # the SME's contact, revealed now

    browser.delete_all_cookies()
    login(browser, live_server, "sme")
    browser.get(intro_url)
    contacts = browser.find_element(By.CSS_SELECTOR, "section.contacts").text
    lechner = live_server.store.get_node("Person", "demo-researcher")
    assert lechner["email"] in contacts  # her own address, which she shows to members
    assert "info@" not in contacts  # not the university's switchboard


def test_researcher_finds_media_collaborators(browser, live_server, login):
    By = _by()
    login(browser, live_server, "researcher")
    browser.get(live_server.url + "/matches")
    section = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "section[aria-labelledby='collaborators-title']"))
    items = section.find_elements(By.CSS_SELECTOR, "li.recommendation")
    assert len(items) >= 3
    # The list a researcher came for comes first.
    first_section = browser.find_element(By.CSS_SELECTOR, "main section")
    assert first_section.get_attribute("aria-labelledby") == "collaborators-title"
    for item in items:
        assert item.find_elements(By.CSS_SELECTOR, "ul.reasons li"), "every suggestion says why"
    first_reasons = " ".join(li.text for li in items[0].find_elements(By.CSS_SELECTOR, "ul.reasons li"))
    # True, from her side: what she offers that they need; never her own name or university.
    assert "Sucht, was Sie anbieten" in first_reasons, first_reasons
    assert "Miriam Lechner" not in first_reasons and "Universität Isarauen" not in first_reasons

    items[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    _wait(browser, lambda d: "/organizations/" in d.current_url)
    assert "Medienunternehmen" in browser.find_element(By.TAG_NAME, "main").text


def test_staff_preview_edit_and_send_a_three_way_introduction(browser, live_server, login):
    By = _by()
    login(browser, live_server, "staff")
    browser.get(live_server.url + "/analytics#bridging")
    link = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#list-introductions a[href^='/introductions/bridge?']"))
    before = live_server.store.count_nodes("Introduction")
    link.click()
    _wait(browser, lambda d: "miteinander bekannt machen" in d.find_element(By.TAG_NAME, "h1").text)
    assert live_server.store.count_nodes("Introduction") == before  # the preview sends nothing
    sides = browser.find_elements(By.CSS_SELECTOR, "section.bridge-side")
    assert len(sides) == 2
    message = browser.find_element(By.NAME, "message")
    draft = message.get_attribute("value")
    assert draft.startswith("Guten Tag, das KI.M-Team möchte") and "Community" not in draft and "Gemeinschaft" not in draft
    message.clear()
    message.send_keys("Guten Tag, wir möchten Sie beide bekannt machen: Sie ergänzen sich bei Untertiteln.")
    browser.find_element(By.XPATH, "//button[normalize-space()='Vorstellung an beide senden']").click()
    _wait(browser, lambda d: "/introductions/intro-" in d.current_url)
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Vorstellung durch KI.M" in main and "Sie ergänzen sich bei Untertiteln." in main
    assert live_server.store.count_nodes("Introduction") == before + 1


def test_language_switch_and_accept_language(browser, live_server):
    By = _by()
    browser.get(live_server.url + "/")
    # Without a choice the browser's Accept-Language decides; German is the default otherwise.
    preferred = browser.execute_script("return navigator.languages[0] || navigator.language")
    expected = "en" if preferred.lower().startswith("en") else "de"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == expected

    browser.find_element(By.LINK_TEXT, "Deutsch").click()
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de")
    assert browser.find_element(By.LINK_TEXT, "Suche")

    browser.find_element(By.LINK_TEXT, "English").click()
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert browser.find_element(By.LINK_TEXT, "Search")
    # The choice sticks for the next page.
    browser.get(live_server.url + "/login")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.TAG_NAME, "h1").text.lower().startswith("log")

    browser.find_element(By.LINK_TEXT, "Deutsch").click()
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Anmelden"
