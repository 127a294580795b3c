#!/usr/bin/env python3
"""Take the README's screenshots of a running platform in headless Chromium (Debian's).

    make run &                                   # demo on http://127.0.0.1:5000
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:5000 --out docs/screenshots
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PHONE = (390, 844)
IDEA = "KI-gestützte Verifikation von Videos für Lokalredaktionen"
PAGES = [
    # (file name, account or None, path, seconds to wait for client-side drawing, screen or None)
    ("start.png", None, "/?lang=de", 0, None),
    ("matches.png", "sme", "/matches", 0, None),
    ("search.png", "sme", "/search?q=untertitel", 0, None),
    ("organisation.png", "sme", "/organizations/demo-sme", 0, None),
    ("project-idea.png", "sme", f"/matches/project?text={IDEA}", 0, None),
    ("contact-request.png", "sme", "/introductions/new?person=demo-researcher", 0, None),
    ("phone-matches.png", "sme", "/matches", 0, PHONE),
    ("consortium.png", "forschung", "/matches/consortium?call=demo-call-barrierefrei&include_mine=y#team-1", 0, None),
    ("map.png", "staff", "/map", 6, None),
    ("analytics.png", "staff", "/analytics", 3, None),
    ("staff-queue.png", "staff", "/introductions/queue", 0, None),
    ("start-en.png", None, "/?lang=en", 0, None),
]
ACCOUNTS = {
    "sme": ("sme@demo.kim-netzwerk.de", "Demo-SME-2026!"),
    "forschung": ("forschung@demo.kim-netzwerk.de", "Demo-Forschung-2026!"),
    "staff": ("staff@demo.kim-netzwerk.de", "Demo-Staff-2026!"),
}


def browser(width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 f"--window-size={width},{height}", f"--user-data-dir={tempfile.mkdtemp()}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def login(driver, base: str, account: str) -> None:
    email, password = ACCOUNTS[account]
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    driver = browser(args.width, args.height)
    try:
        current = "none"
        for name, account, path, wait, screen in PAGES:
            if (account or "none") != current:
                driver.delete_all_cookies()
                if account:
                    login(driver, args.base, account)
                current = account or "none"
            if screen:  # a phone: its width, its pixel ratio, its touch layout
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": screen[0], "height": screen[1], "deviceScaleFactor": 2, "mobile": True})
            driver.get(args.base + path)
            time.sleep(wait + 0.5)
            driver.save_screenshot(str(out / name))
            if screen:
                driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            print(f"{out / name}  <- {path}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
