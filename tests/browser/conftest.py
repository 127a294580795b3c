"""End-to-end fixtures: the app on a seeded SQLite store served on a free port, headless Chromium.

Uses Debian's `chromium` and `chromium-driver` packages (/usr/bin/chromium, /usr/bin/chromedriver).
Without them the browser tests are skipped, or fail when REQUIRE_BROWSER=1 (CI).

Fixtures for journeys:
- `live_server`: `.url` of the running app (demo data from `kim_network.demo.seed`), `.store`, `.app`;
  shared by the session. `own_live_server`: the same, fresh for one test that changes the data.
- `browser`: a fresh headless Chromium (WebGL through SwiftShader) per test, closed afterwards.
- `login(browser, live_server, who)`: log in as "staff", "sme" or "researcher" (the demo accounts).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass

import pytest

CHROMIUM = os.environ.get("KIM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KIM_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def _browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) and os.access(path, os.X_OK)):
            return f"{path} not found: install Debian's chromium and chromium-driver packages"
    return None


@pytest.fixture(scope="session")
def browser_available():
    missing = _browser_missing()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    return True


@dataclass
class LiveServer:
    url: str
    store: object
    app: object


@contextlib.contextmanager
def _serve_demo(folder):
    """The app with the demo ecosystem on SQLite in `folder`, served by werkzeug in a background thread."""
    from werkzeug.serving import make_server

    from kim_network import demo
    from kim_network.store.sqlite import SQLiteStore

    store = SQLiteStore(str(folder / "live.sqlite3"))
    store.migrate()
    demo.seed(store)
    from tests.support.app import make_app

    app = make_app(store, folder, SECRET_KEY="browser-test-secret")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", store, app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="session")
def live_server(browser_available, tmp_path_factory):
    """The demo app shared by the journeys that leave the data as other journeys expect it."""
    with _serve_demo(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture
def own_live_server(browser_available, tmp_path_factory):
    """A demo app of the test's own, for a journey that changes what others read (registrations,
    meetings, map edges, ranking feedback) or moves the app's clock."""
    with _serve_demo(tmp_path_factory.mktemp("own-live")) as server:
        yield server


@pytest.fixture
def browser(browser_available):
    """Headless Chromium with a fresh profile; WebGL runs on SwiftShader (no GPU needed)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kim-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


DEMO_LOGINS = {
    "staff": ("staff@demo.kim-netzwerk.de", "Demo-Staff-2026!"),
    "sme": ("sme@demo.kim-netzwerk.de", "Demo-SME-2026!"),
    "researcher": ("forschung@demo.kim-netzwerk.de", "Demo-Forschung-2026!"),
}


def do_login(driver, server: LiveServer, who: str = "staff") -> None:
    """Log in through the login form as one of the demo accounts."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    email, password = DEMO_LOGINS[who]
    driver.get(server.url + "/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "form[action$='/logout']")))


@pytest.fixture
def login():
    return do_login
