"""The map in a real browser: sign-in, layers, filters, timeline, list, keyboard, tablet size."""

from __future__ import annotations

import pytest
from live import TABLET

pytestmark = pytest.mark.e2e


def test_wrong_password_is_refused_with_a_message(session):
    s = session()
    s.page.goto(f"{s.server.url}/#/map")
    s.page.wait_for_selector("#signin-form")  # not signed in: sent to the sign-in page
    s.page.fill("#username", "analyst")
    s.page.fill("#password", "not-the-password")
    s.page.click("#signin-form button[type=submit]")
    alert = s.page.locator("#signin-form .status.error")
    alert.wait_for()
    assert "password" in alert.inner_text().lower() or "sign" in alert.inner_text().lower()
    assert s.page.locator("#who").count() == 0


def test_map_shows_incidents_layers_and_credits(session):
    s = session()
    s.sign_in("analyst", "demo-analyst")
    drawn = s.open_map()
    api = s.api("/api/v1/map/incidents")
    with_point = sum(1 for lon in api["lon"] if lon is not None)
    assert drawn == with_point > 0
    page = s.page
    # The list beside the map names what is in view; each item links to its incident page.
    page.wait_for_function("() => Number(document.body.dataset.listed) > 0")
    first = page.locator("#incident-list a.item").first
    assert first.get_attribute("href").startswith("#/incident/I-")
    # Zones from the agreement, approximate ones labelled as such in the zone filter.
    zones = page.locator("#filter-zone option").all_inner_texts()
    assert any("approx." in z for z in zones), zones
    # Agreement layers are on the map (sources loaded with their features).
    counts = page.evaluate(
        """async () => Promise.all(['zones', 'sites', 'patrols'].map(
            async id => (await window.__truce.map.getSource(id).getData()).features.length))"""
    )
    assert all(c > 0 for c in counts), counts
    # The basemap's required attribution is in the credits control.
    credits = page.locator(".maplibregl-ctrl-attrib-inner").text_content()
    assert "Natural Earth" in credits and "OCHA" in credits and "GeoNames" in credits


def test_filters_and_timeline_change_what_is_drawn(session):
    s = session()
    s.sign_in("analyst", "demo-analyst")
    total = s.open_map()
    page = s.page
    cols = s.api("/api/v1/map/incidents")
    grades = cols["dict"]["grade"]
    present = {grades[g] for g, lon in zip(cols["grade"], cols["lon"], strict=True) if lon}
    # Unticking every grade that is present leaves nothing on the map.
    for grade in present:
        page.uncheck(f"input[name=grade][value='{grade}']")
    page.wait_for_function("() => document.body.dataset.incidentsRendered === '0'")
    assert "0 in view of 0 matching" in page.locator(".count").inner_text()
    for grade in present:
        page.check(f"input[name=grade][value='{grade}']")
    page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{total}'")
    # "One day" narrows the window to the last day: only incidents overlapping it remain.
    page.click("text=One day")
    last = max(cols["end"])
    expected = sum(
        1
        for st, en, lon in zip(cols["start"], cols["end"], cols["lon"], strict=True)
        if lon is not None and st <= last <= en
    )
    page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{expected}'")
    assert expected < total
    page.click("text=All days")
    page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{total}'")
    # The timeline's handles work from the keyboard: End on the first handle jumps it to the
    # last day, and the window is that day alone.
    page.focus("#timeline-start")
    page.keyboard.press("End")
    page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{expected}'")
    label = page.locator(".window-label").inner_text()
    assert "–" not in label and label == page.locator("#filter-to").input_value()


def test_keyboard_alone_reaches_an_incident_page(session):
    s = session()
    page = s.page
    page.goto(f"{s.server.url}/#/signin")
    page.wait_for_selector("#username:focus")
    page.keyboard.type("analyst")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-analyst")
    page.keyboard.press("Enter")
    page.wait_for_selector("#who")
    page.wait_for_function("() => document.body.dataset.incidentsRendered !== undefined")
    page.wait_for_function("() => Number(document.body.dataset.listed) > 1")
    # Tab until the list has focus (it holds one tab stop), checking focus stays visible.
    for _ in range(150):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """async () => { await new Promise(r => requestAnimationFrame(() => r()));
                const a = document.activeElement; const cs = getComputedStyle(a);
                return {list: a.matches('#incident-list a.item'), outline: cs.outlineStyle,
                        width: parseFloat(cs.outlineWidth), tag: a.tagName,
                        what: a.id || a.name || a.className}; }"""
        )
        if info["tag"] not in ("BODY", "CANVAS"):
            assert info["outline"] != "none" and info["width"] >= 2, str(info)
        if info["list"]:
            break
    else:
        pytest.fail("Tab never reached the incident list")
    first = page.evaluate("document.activeElement.dataset.id")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.id")
    assert second != first
    # Focusing an item selects it on the map and describes it beside the map.
    page.wait_for_selector(f"#selected-card >> text={second}")
    page.keyboard.press("Enter")
    page.wait_for_selector("#incident-title")
    assert page.locator("#incident-title").inner_text().startswith(second)
    assert page.evaluate("document.activeElement.id") == "incident-title"


def test_tablet_portrait_shows_map_timeline_and_list_without_sideways_scroll(session):
    s = session(TABLET)
    s.sign_in("analyst", "demo-analyst")
    s.open_map()
    page = s.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"]
    box = page.locator("#map").bounding_box()
    assert box["width"] >= TABLET["width"] - 2 and box["height"] >= 350
    timeline = page.locator(".timeline").bounding_box()
    side = page.locator(".side").bounding_box()
    assert timeline["y"] >= box["y"] + box["height"] - 1  # below the map
    assert side["y"] >= timeline["y"] + timeline["height"] - 1  # the list below the timeline
    page.locator("#incident-list a.item").first.wait_for()
    # Nothing is pushed past the right edge: map controls, filters, timeline.
    for selector in ("button.maplibregl-ctrl-zoom-in", "#filter-zone", "#filter-to", ".timeline"):
        b = page.locator(selector).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= TABLET["width"], (selector, b)
