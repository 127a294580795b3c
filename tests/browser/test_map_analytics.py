"""The map and the analytics page in a real browser: the map draws, filters, shows details; charts render."""
from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.browser


def _wait_ready(driver, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.find_element("id", "map-app").get_attribute("data-state") in ("ready", "error"))
    assert driver.find_element("id", "map-app").get_attribute("data-state") == "ready", \
        driver.find_element("id", "map-status").text



def _coloured_share(png: bytes) -> float:
    """Share of pixels in a PNG that are clearly coloured (not white/grey background)."""
    import struct
    import zlib

    # Decode a PNG without extra packages: non-interlaced 8-bit RGB/RGBA, as Chromium writes.
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and ctype in (2, 6)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    coloured = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 2):  # every second pixel is enough
            r, g, bl = line[x], line[x + 1], line[x + 2]
            if max(r, g, bl) - min(r, g, bl) > 40:
                coloured += 1
        prev = line
    return coloured / max(1, (width // 2) * height)


def _visible_nodes(driver) -> int:
    return driver.execute_script("return window.kimMap.graph.order")


def test_map_draws_filters_and_shows_details(browser, live_server, login):
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    login(browser, live_server, "staff")
    browser.get(live_server.url + "/map")
    _wait_ready(browser)
    browser.save_screenshot(os.environ.get("KIM_MAP_SCREENSHOT", "/tmp/kim-map.png"))
    canvas_area = browser.find_element(By.ID, "map-canvas")
    share = _coloured_share(canvas_area.screenshot_as_png)
    assert share > 0.01, f"the map canvas looks empty ({share:.4f} coloured)"
    everything = _visible_nodes(browser)
    assert everything > 500

    Select(browser.find_element(By.ID, "region")).select_by_value("DE27")
    browser.find_element(By.ID, "kind-skill").click()  # only organisations and people of Schwaben
    browser.find_element(By.CSS_SELECTOR, "#map-filters button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: _visible_nodes(d) != everything)
    _wait_ready(browser)
    schwaben = _visible_nodes(browser)
    assert 0 < schwaben < everything
    regions = browser.execute_script(
        "var out=[]; window.kimMap.graph.forEachNode(function(k,a){ out.push(a.data.region + '/' + a.data.kind); });"
        "return out;")
    assert set(regions) <= {"DE27/organization", "DE27/person"} and "DE27/organization" in regions

    # Click the organisation that stands most apart: its details and profile link appear.
    key, x, y = browser.execute_script("""
        var g = window.kimMap.graph, r = window.kimMap.renderer(), pos = {}, best = null, room = -1;
        g.forEachNode(function (k, a) { pos[k] = r.graphToViewport(a); });
        g.forEachNode(function (k, a) {
          if (a.data.kind !== 'organization') { return; }
          var p = pos[k], nearest = Infinity;
          g.forEachNode(function (o) { if (o !== k) { nearest = Math.min(nearest, Math.hypot(pos[o].x - p.x, pos[o].y - p.y)); } });
          if (nearest > room) { room = nearest; best = k; }
        });
        return [best, pos[best].x, pos[best].y];""")
    time.sleep(0.5)  # let sigma finish the frame it scheduled after the reload
    left, top = browser.execute_script(
        "var r = document.querySelector('#map-canvas .sigma-mouse').getBoundingClientRect(); return [r.left, r.top];")
    pointer = ActionBuilder(browser)
    pointer.pointer_action.move_to_location(int(round(left + x)), int(round(top + y))).click()
    pointer.perform()
    details = browser.find_element(By.ID, "map-details")
    WebDriverWait(browser, 10).until(lambda d: details.is_displayed())
    time.sleep(0.6)  # the camera moves the node out from under the panel if it has to
    selected = browser.execute_script("""
        var s = window.kimMap.state.selected, g = window.kimMap.graph;
        var p = window.kimMap.renderer().graphToViewport(g.getNodeAttributes(s));
        var panel = document.getElementById('map-details').getBoundingClientRect();
        var stage = document.getElementById('map-canvas').getBoundingClientRect();
        return [s, g.getNodeAttribute(s, 'label'), p.x + stage.left, p.y + stage.top,
                panel.left, panel.right, panel.top, panel.bottom];""")
    assert selected[0] == key  # the node under the pointer
    px, py, left_edge, right_edge, top_edge, bottom_edge = selected[2:]
    assert not (left_edge <= px <= right_edge and top_edge <= py <= bottom_edge), "the panel covers the node"
    assert details.find_element(By.TAG_NAME, "h2").text == selected[1]
    assert "Role in the network" in details.text or "Rolle im Netzwerk" in details.text
    label, node_id = selected[0].split(":", 1)
    link = details.find_element(By.CSS_SELECTOR, "a.button")
    path = {"Organization": "/organizations/", "Person": "/people/"}[label] + node_id
    assert link.get_attribute("href").endswith(path)


def test_map_search_focuses_a_neighbourhood(browser, live_server, login):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    login(browser, live_server, "sme")
    browser.get(live_server.url + "/map")
    _wait_ready(browser)
    everything = _visible_nodes(browser)
    name = browser.execute_script("return window.kimMap.graph.getNodeAttribute('Organization:demo-uni', 'label')")
    browser.find_element(By.ID, "map-search-input").send_keys(name)
    browser.find_element(By.CSS_SELECTOR, "#map-search button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "demo-uni" in (d.find_element(By.ID, "map-app").get_attribute("data-state") == "ready"
                                                             and d.execute_script("return window.kimMap.state.focus") or ""))
    _wait_ready(browser)
    assert 1 < _visible_nodes(browser) < everything
    assert name in browser.find_element(By.ID, "map-status").text


def test_hidden_profiles_never_reach_a_members_map(browser, live_server, login):
    from kim_network.analytics.ecosystem import node_key
    from kim_network.core.model import Label

    hidden = [n["id"] for n in live_server.store.list_nodes(Label.ORGANIZATION, {"visibility": "staff"}, limit=50).items]
    assert hidden, "the demo data should have staff-only organisations"
    login(browser, live_server, "researcher")
    browser.get(live_server.url + "/map")
    _wait_ready(browser)
    present = browser.execute_script("return window.kimMap.graph.nodes()")
    assert not {node_key("Organization", h) for h in hidden} & set(present)


def test_analytics_page_renders_its_charts(browser, live_server, login):
    from selenium.webdriver.common.by import By

    login(browser, live_server, "staff")
    browser.get(live_server.url + "/analytics")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 5
    drawn = 0
    for chart in charts:
        assert chart.size["width"] > 100 and chart.size["height"] > 20
        bars = chart.find_elements(By.CSS_SELECTOR, "rect.bar")
        assert bars
        drawn += any(b.size["width"] > 0 and b.size["height"] > 0 for b in bars)
    assert drawn >= 4  # the funnel may be all zero on fresh demo data
    shot = browser.find_element(By.ID, "members").screenshot_as_png
    assert _coloured_share(shot) > 0.005
    assert browser.find_elements(By.CSS_SELECTOR, "#list-introductions a[href^='/introductions/bridge?']")


def test_png_export_holds_the_drawing(browser, live_server, login):
    import base64

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    login(browser, live_server, "staff")
    browser.get(live_server.url + "/map")
    _wait_ready(browser)
    time.sleep(0.5)
    browser.execute_script("""
        window.__png = null;
        URL.createObjectURL = function (blob) {
          var reader = new FileReader();
          reader.onload = function () { window.__png = reader.result; };
          reader.readAsDataURL(blob);
          return "blob:captured";
        };
        HTMLAnchorElement.prototype.click = function () { window.__pngName = this.download; };""")
    browser.find_element(By.ID, "export-png").click()
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return window.__png"))
    assert browser.execute_script("return window.__pngName") == "kim-netzwerk-map.png"
    data = browser.execute_script("return window.__png")
    png = base64.b64decode(data.split(",", 1)[1])
    assert _coloured_share(png) > 0.01


def test_map_and_analytics_show_a_community_legend_and_readable_names(browser, live_server, login):
    from selenium.webdriver.common.by import By

    from kim_network.core.model import Label, Rel

    store = live_server.store
    if store.get_node(Label.ORGANIZATION, "caps-test") is None:
        project = store.list_nodes(Label.PROJECT, limit=1).items[0]["id"]
        store.create_node(Label.ORGANIZATION, {"id": "caps-test", "name": "ALPENLAND UNTERTITEL GMBH",
                                               "kind": "company", "region": "DE21", "visibility": "public"})
        store.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "caps-test", "target": project}])
    login(browser, live_server, "staff")
    browser.get(live_server.url + "/map?lang=en")
    _wait_ready(browser)
    legend = browser.find_elements(By.CSS_SELECTOR, "#map-community-legend li")
    assert legend and all(item.is_displayed() for item in legend[:3])
    first = legend[0].text
    assert "members" in first and len(first.split()) >= 3  # number, a name from shared skills, the size
    label = browser.execute_script("return window.kimMap.graph.getNodeAttribute('Organization:caps-test', 'label')")
    assert label == "Alpenland Untertitel GmbH"
    browser.get(live_server.url + "/analytics?lang=en")
    entries = browser.find_elements(By.CSS_SELECTOR, "#community-legend li")
    assert entries and "members" in entries[0].text
    assert browser.find_element(By.CSS_SELECTOR, ".scope-switch a[aria-current=page]").text == "All"
