"""The platform's journeys in a real browser: an SME gets introduced to a partner, a
researcher finds media collaborators, and the interface switches language."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _by():
    from selenium.webdriver.common.by import By

    return By


def _wait(driver, condition, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_sme_finds_a_partner_requests_an_introduction_and_the_recipient_accepts(browser, live_server, login):
    from kim_network.services.accounts import CONSENT_VERSION, create_account
    from tests.browser.conftest import DEMO_LOGINS

    By = _by()
    login(browser, live_server, "sme")
    browser.get(live_server.url + "/matches")
    partners = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[id^='match-partners-']"))
    first = partners[0]
    partner_name = first.find_element(By.CSS_SELECTOR, "h3 a").text
    reasons = [li.text for li in first.find_elements(By.CSS_SELECTOR, "ul.reasons li")]
    assert reasons, "every suggestion says why"
    assert any("Bietet, was Sie suchen" in r or "Gemeinsame Partner" in r for r in reasons), reasons

    first.find_element(By.LINK_TEXT, "Kontakt anfragen").click()
    _wait(browser, lambda d: "anfragen" in d.find_element(By.TAG_NAME, "h1").text)
    assert partner_name in browser.find_element(By.TAG_NAME, "h1").text
    target_org = browser.find_element(By.NAME, "target_org").get_attribute("value")

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
    assert not browser.find_elements(By.CSS_SELECTOR, "section.contacts"), "no contact details before acceptance"

    # A member of the partner organisation answers.
    email, password = f"empfang-{target_org}@demo.kim-netzwerk.de".lower(), "Empfang-Test-2026!"
    create_account(live_server.store, email, password, name="Petra Empfang", organization_id=target_org,
                   approved=True, consent_version=CONSENT_VERSION, language="de")
    DEMO_LOGINS["recipient"] = (email, password)
    try:
        browser.delete_all_cookies()  # a new person at another computer
        login(browser, live_server, "recipient")
    finally:
        DEMO_LOGINS.pop("recipient", None)
    browser.get(intro_url)
    assert message in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.XPATH, "//button[normalize-space()='Annehmen']").click()
    contacts = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.contacts"))
    assert "info@isarwelle-tv.example" in contacts[0].text  # the SME's contact, revealed now

    # The requester sees the acceptance and the partner's contact details.
    browser.delete_all_cookies()
    login(browser, live_server, "sme")
    browser.get(intro_url)
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "angenommen" in main.lower()
    assert browser.find_elements(By.CSS_SELECTOR, "section.contacts")


def test_researcher_finds_media_collaborators(browser, live_server, login):
    By = _by()
    login(browser, live_server, "researcher")
    browser.get(live_server.url + "/matches")
    section = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "section[aria-labelledby='collaborators-title']"))
    items = section.find_elements(By.CSS_SELECTOR, "li.recommendation")
    assert len(items) >= 3
    for item in items:
        assert item.find_elements(By.CSS_SELECTOR, "ul.reasons li"), "every suggestion says why"
    first_reasons = " ".join(li.text for li in items[0].find_elements(By.CSS_SELECTOR, "ul.reasons li"))
    assert "sucht, was Sie bieten" in first_reasons or "Bietet" in first_reasons or "Gemeinsam" in first_reasons

    items[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    _wait(browser, lambda d: "/organizations/" in d.current_url)
    assert "Medienunternehmen" in browser.find_element(By.TAG_NAME, "main").text


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
