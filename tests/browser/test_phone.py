"""A 390 px phone (390×844): a collapsed header, and matches, a profile and a contact request read well."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def _fits(driver) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    width = driver.execute_script("return document.documentElement.clientWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"the page is {scroll}px wide on a {width}px screen"


def _header_height(driver) -> float:
    return driver.execute_script("return document.querySelector('.site-header').getBoundingClientRect().height")


def test_phone_header_collapses_and_matches_profile_and_request_read_well(browser, live_server, login):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    login(browser, live_server, "sme")
    browser.set_window_size(*PHONE)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True})
    try:
        browser.get(live_server.url + "/matches")
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "li.recommendation"))
        assert _header_height(browser) <= 72, "one row: logo, menu button"
        nav = browser.find_element(By.CSS_SELECTOR, ".main-nav")
        assert not nav.is_displayed()
        toggle = browser.find_element(By.CSS_SELECTOR, ".menu-toggle")
        assert toggle.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert browser.find_element(By.LINK_TEXT, "Kontaktanfragen").is_displayed()
        toggle.click()
        assert not nav.is_displayed()
        _fits(browser)
        first = browser.find_element(By.CSS_SELECTOR, "li.recommendation")
        assert first.find_element(By.CSS_SELECTOR, "ul.reasons li").is_displayed()
        action = first.find_elements(By.LINK_TEXT, "Kontakt anfragen") or first.find_elements(By.CSS_SELECTOR,
                                                                                             ".request-status")
        assert action and action[0].is_displayed()
        assert first.rect["width"] <= PHONE[0]

        browser.get(live_server.url + "/people/demo-researcher")
        assert _header_height(browser) <= 72
        _fits(browser)
        assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
        browser.find_element(By.LINK_TEXT, "Kontakt anfragen").click()
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.NAME, "message"))
        _fits(browser)
        message = browser.find_element(By.NAME, "message")
        assert message.rect["width"] >= 300  # a textarea one can type in
        browser.find_element(By.CSS_SELECTOR, "section.why")
        message.send_keys("Hallo Frau Lechner, passt ein kurzes Telefonat?")
        browser.find_element(By.XPATH, "//button[normalize-space()='Anfrage senden']").click()
        WebDriverWait(browser, 30).until(lambda d: "/introductions/intro-" in d.current_url)
        _fits(browser)
        assert "Wartet auf Antwort" in browser.find_element(By.TAG_NAME, "main").text
        browser.get(live_server.url + "/introductions")
        _fits(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
