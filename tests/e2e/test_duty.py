"""A duty day in the browser (issue 22): the live picture between two officers' browsers, a
flagged coordinate as a blocking question, the chair's console, the comparison the CLI agrees
with, and every page at phone, tablet and desktop width."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}
PASSWORDS = {
    "ru-officer": "demo-ru-officer",
    "tr-officer": "demo-tr-officer",
    "chair": "demo-chair",
    "monitor": "demo-monitor",
    "analyst": "demo-analyst",
    "public": "demo-public",
}
# Saraqib, Idlib, as the gazetteer has it; and a point in Paris, as the filer typed.
PARIS = ("48.85", "2.35")


def fill_report(page, base: str, title: str, day: str, *, lat: str, lon: str, place: str):
    page.goto(f"{base}/#/report/new")
    page.wait_for_selector("#report-form")
    page.fill("#r-title", title)
    page.select_option("#r-type", "Explosions/Remote violence")
    page.select_option("#r-sub", "Shelling/artillery/missile attack")
    page.fill("#r-start", day)
    page.fill("#r-place", place)
    page.fill("#r-lat", lat)
    page.fill("#r-lon", lon)
    page.fill("#r-error", "1000")
    page.fill("#r-source", "Duty officer")


def sign_reviewed(page) -> str:
    page.click("#r-review")
    page.wait_for_selector("#report-review:not([hidden])")
    page.click("#r-sign")
    page.wait_for_url("**/#/map?focus=*")
    return page.url.split("focus=")[1]


def checkpoint_size(s) -> int:
    return int(s.page.request.get(f"{s.server.url}/api/v1/ledger/checkpoint").text().split("\n")[1])


def no_horizontal_scroll(page) -> tuple[int, int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


def test_officer_b_sees_officer_a_report_on_the_map_within_a_second_without_reload(session):
    a, b = session(), session()
    a.sign_in("ru-officer", PASSWORDS["ru-officer"])
    b.sign_in("tr-officer", PASSWORDS["tr-officer"])
    before = b.open_map()
    b.page.wait_for_function("() => document.body.dataset.live === 'live'")
    b.page.evaluate("window.__notReloaded = true")
    fill_report(
        a.page, a.server.url, "E2E live: shelling of Sarmin", "2020-03-21",
        lat="35.9036", lon="36.7239", place="Sarmin",
    )  # fmt: skip
    incident = sign_reviewed(a.page)
    filed = time.monotonic()
    b.page.wait_for_function(
        f"() => window.__truce.view.set.byId.has({json.dumps(incident)})",
        timeout=10_000,
        polling=20,
    )
    took = time.monotonic() - filed
    assert took < 1.0, f"B's map showed {incident} {took:.2f} s after A's filing returned"
    assert b.page.evaluate("window.__notReloaded === true")  # no reload: the same document
    b.page.wait_for_function(
        f"() => Number(document.body.dataset.incidentsRendered) > {before - 1}"
    )
    # B's list of incidents in view and the map's source hold it too once B looks there.
    b.page.evaluate(f"window.__truce.view.focusIncident({json.dumps(incident)})")
    b.page.wait_for_selector("#selected-card")
    assert incident in b.page.locator("#selected-card").inner_text()


def test_a_flagged_coordinate_blocks_until_fixed_and_nothing_is_signed_meanwhile(session):
    s = session()
    s.sign_in("ru-officer", PASSWORDS["ru-officer"])
    page = s.page
    size = checkpoint_size(s)
    fill_report(
        page, s.server.url, "E2E: shelling of Saraqib", "2020-03-22",
        lat=PARIS[0], lon=PARIS[1], place="Saraqib",
    )  # fmt: skip
    page.click("#r-review")
    question = page.locator("#r-question")
    question.wait_for()
    assert "outside the area the center monitors" in question.inner_text()
    assert page.locator("#report-review").is_hidden()  # no way to sign past the question
    assert page.evaluate("document.activeElement.id") == "r-override-note"
    # "File anyway" needs its note.
    page.click("#r-file-anyway")
    page.locator("#r-override-note-error").wait_for()
    # File anyway, with a note: the review shows the note in what would be signed.
    page.fill("#r-override-note", "Test of the question only; not signed.")
    page.click("#r-file-anyway")
    page.wait_for_selector("#report-review:not([hidden])")
    assert "Test of the question only" in page.locator("#review-json").inner_text()
    page.click("#r-edit")
    # Fix it instead: the place search sets the point from the gazetteer.
    page.fill("#r-place", "")
    page.type("#r-place", "Saraqi")
    option = page.locator("#r-place-list button.place-option", has_text="Saraqab").first
    assert "saraqib" in option.inner_text().lower()  # by the spelling typed
    option.click()
    assert float(page.input_value("#r-lat")) == pytest.approx(35.86, abs=0.05)
    assert float(page.input_value("#r-lon")) == pytest.approx(36.80, abs=0.05)
    page.click("#r-review")
    page.wait_for_selector("#report-review:not([hidden])")
    signed = json.loads(page.locator("#review-json").inner_text())
    assert "override_note" not in signed and "filer's note" not in signed.get("text", "")
    assert signed["locations"][0]["place"] == "Saraqab"
    assert signed["locations"][0]["admin1"] == "Idlib"
    assert signed["event_type"] == "Explosions/Remote violence"
    assert len(page.locator("#review-hash").inner_text()) in (64, 1)  # SHA-256 hex, or "…"
    assert checkpoint_size(s) == size  # nothing was signed before "Sign and file"
    page.click("#r-edit")
    # A click on the map picker moves the point too.
    box = page.locator("#r-picker canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2)
    assert page.input_value("#r-lat") != f"{35.86:.5f}"


def test_the_comparison_agrees_with_the_cli_and_says_why_each_report_is_here(session):
    s = session()
    s.sign_in("analyst", PASSWORDS["analyst"])
    s.page.goto(f"{s.server.url}/#/incident/I-4")
    # The page's last section waits for the incident's whole history (slow on a loaded machine).
    s.page.wait_for_selector("#why li", timeout=45_000)
    place = s.page.locator("tr[data-field='place']")
    # Jarjanaz and Jarjnaz are one place in the gazetteer: not a difference.
    assert "differs" not in place.locator("th").inner_text()
    assert "spellings of one place" in place.inner_text()
    why = s.page.locator("#why").inner_text()
    assert "R-4 started this incident" in why
    assert "merge by monitors" in why  # the merge that placed R-51


def test_pages_a_role_may_not_use_are_not_offered_nor_open(session):
    s = session()
    s.sign_in("ru-officer", PASSWORDS["ru-officer"])
    # The header is drawn again once /me says which pages the role may use.
    s.page.wait_for_selector("header nav a[href='#/report/new']")
    s.page.wait_for_load_state("networkidle")
    nav = s.page.locator("header nav").inner_text()
    assert "File a report" in nav and "Ingest" not in nav and "Console" not in nav
    s.page.goto(f"{s.server.url}/#/ingest")
    s.page.wait_for_selector("text=This page is not for your role")
    assert s.page.locator("#ingest-form").count() == 0
    chair = session()
    chair.sign_in("chair", PASSWORDS["chair"])
    chair.page.wait_for_selector("header nav a[href='#/console']")


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390", "768", "1280"])
def test_every_page_fits_the_screen(session, viewport):
    anon = session(viewport)
    anon.page.goto(f"{anon.server.url}/#/signin")
    anon.page.wait_for_selector("#signin-form")
    assert "null" not in anon.page.locator("header").inner_text()
    width, inner = no_horizontal_scroll(anon.page)
    assert width <= inner, f"sign-in: {width} px wide in {inner}"
    icon = anon.page.request.get(f"{anon.server.url}/favicon.svg")
    assert icon.ok and "svg" in icon.headers["content-type"]
    pages = {
        "chair": ["map", "incident/I-4", "report/new", "ingest", "review", "patrol/new", "console"],
        "ru-officer": ["map", "incident/I-4", "report/new"],
    }
    for user, routes in pages.items():
        s = session(viewport)
        s.sign_in(user, PASSWORDS[user])
        for route in routes:
            s.page.goto(f"{s.server.url}/#/{route}")
            if route == "map":
                s.page.wait_for_function(
                    "() => document.body.dataset.incidentsRendered !== undefined"
                )
                # The timeline's controls and label do not overlap one another.
                boxes = s.page.evaluate(
                    """[...document.querySelectorAll('.timeline-controls > *')]
                        .map((e) => e.getBoundingClientRect())
                        .filter((r) => r.width > 0)
                        .map((r) => [r.left, r.top, r.right, r.bottom])"""
                )
                for i, p in enumerate(boxes):
                    for q in boxes[i + 1 :]:
                        apart = p[2] <= q[0] + 1 or q[2] <= p[0] + 1 or p[3] <= q[1] + 1
                        assert apart or q[3] <= p[1] + 1, f"timeline controls overlap: {p} {q}"
            else:
                s.page.wait_for_selector("main h1")
                s.page.wait_for_timeout(300)
            width, inner = no_horizontal_scroll(s.page)
            assert width <= inner, f"{user} #/{route} at {viewport['width']}: {width} px wide"
            out = s.page.locator("header button:has-text('Sign out')").bounding_box()
            assert out and out["x"] >= 0 and out["x"] + out["width"] <= inner, "Sign out off-screen"
            if viewport is PHONE and user == "chair":
                name = route.split("/")[0]
                s.page.screenshot(path=str(DOCS / f"screenshot-phone-{name}.png"))


def test_the_chair_previews_a_merge_and_gets_the_reports(session):
    s = session()
    s.sign_in("chair", PASSWORDS["chair"])
    page = s.page
    page.goto(f"{s.server.url}/#/console")
    page.wait_for_selector("#console-incidents")
    assert "Review queue" in page.locator("#console-queue").inner_text()
    page.check("#console-incidents tr[data-incident='I-3'] input.pick")
    page.check("#console-incidents tr[data-incident='I-50'] input.pick")
    page.click("#merge-preview-button")
    preview = page.locator("#merge-preview")
    preview.wait_for()
    assert "I-3 + I-50 become one incident, I-3" in preview.inner_text() or (
        "I-50 + I-3" in preview.inner_text()
    )
    # The daily report downloads.
    page.fill("#report-day", "2019-03-13")
    page.dispatch_event("#report-day", "change")
    with page.expect_download() as got:
        page.click("#daily-pdf")
    data = Path(got.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    page.screenshot(path=str(DOCS / "screenshot-console.png"), full_page=True)


def test_a_duty_day(session):
    """Officer A files after fixing a flagged coordinate; B sees it live and responds; the chair
    merges it with B's report of the same strike; both parties sign off; the chair publishes;
    the public reads it; the daily report downloads."""
    a, b, chair = session(), session(PHONE), session()
    a.sign_in("ru-officer", PASSWORDS["ru-officer"])
    b.sign_in("tr-officer", PASSWORDS["tr-officer"])
    chair.sign_in("chair", PASSWORDS["chair"])
    day = "2020-03-25"
    b.open_map()
    b.page.wait_for_function("() => document.body.dataset.live === 'live'")
    # A types the coordinates of Paris for Taftanaz: a question, not a signature.
    fill_report(
        a.page, a.server.url, "Duty day: shelling of Taftanaz", day,
        lat=PARIS[0], lon=PARIS[1], place="Taftanaz",
    )  # fmt: skip
    a.page.click("#r-review")
    a.page.locator("#r-question").wait_for()
    a.page.screenshot(path=str(DOCS / "screenshot-duty-question.png"), full_page=False)
    a.page.click("#r-fix")
    assert a.page.evaluate("document.activeElement.id") == "r-lat"
    a.page.fill("#r-place", "")
    a.page.type("#r-place", "Taftanaz")
    a.page.locator("#r-place-list button.place-option", has_text="Taftanaz").first.click()
    a.page.click("#r-review")
    a.page.wait_for_selector("#report-review:not([hidden])")
    a.page.screenshot(path=str(DOCS / "screenshot-duty-review.png"), full_page=True)
    a.page.click("#r-sign")
    a.page.wait_for_url("**/#/map?focus=*")
    first = a.page.url.split("focus=")[1]
    filed = time.monotonic()
    # B (on a phone) sees it on the map without reloading, within about a second.
    b.page.wait_for_function(
        f"() => window.__truce.view.set.byId.has({json.dumps(first)})", timeout=10_000, polling=20
    )
    assert time.monotonic() - filed < 1.0
    b.page.evaluate(f"window.__truce.view.focusIncident({json.dumps(first)})")
    b.page.wait_for_selector("#selected-card")
    b.page.wait_for_timeout(800)  # the map's ease to it
    b.page.screenshot(path=str(DOCS / "screenshot-duty-phone-live.png"))
    # A watches the incident's page; B responds, and A's page says so, live.
    a.page.goto(f"{a.server.url}/#/incident/{first}")
    a.page.wait_for_selector("#why li")
    b.page.goto(f"{b.server.url}/#/incident/{first}")
    b.page.wait_for_selector("#respond-form")
    b.page.select_option("#response-kind", "acknowledge")
    b.page.fill("#response-text", "Our post at Taftanaz heard the shelling too.")
    b.page.click("#respond-form button[type=submit]")
    a.page.wait_for_selector("#live-note", timeout=5_000)
    assert "response by tr" in a.page.locator("#live-note").inner_text()
    # B files its own report of the strike, at Saraqab: a second incident.
    fill_report(
        b.page, b.server.url, "Duty day: strike near Saraqab", day,
        lat="35.8611", lon="36.8061", place="Saraqab",
    )  # fmt: skip
    second = sign_reviewed(b.page)
    assert second != first
    # The chair previews the merge, then merges.
    page = chair.page
    page.goto(f"{chair.server.url}/#/console")
    page.wait_for_selector(f"#console-incidents tr[data-incident='{second}']")
    for inc in (first, second):
        page.check(f"#console-incidents tr[data-incident='{inc}'] input.pick")
    page.click("#merge-preview-button")
    preview = page.locator("#merge-preview")
    preview.wait_for()
    assert "2 reports" in preview.inner_text() and "become one incident" in preview.inner_text()
    page.fill("#merge-text", "One strike, reported by both parties.")
    page.screenshot(path=str(DOCS / "screenshot-duty-merge.png"), full_page=False)
    page.click("#merge-go")
    page.wait_for_selector("#merge-status.ok")
    merged = page.locator("#merge-status").inner_text().split(" into ")[1].split(" ")[0]
    assert merged in (first, second)
    # Both parties sign off on its page; the chair publishes.
    for officer in (a, b):
        officer.page.goto(f"{officer.server.url}/#/incident/{merged}")
        officer.page.click("#signoff-approve")
        officer.page.wait_for_selector("#release-status.ok")
    page.goto(f"{chair.server.url}/#/incident/{merged}")
    page.wait_for_selector("#signoffs li[data-party='tr'][data-decision='approve']")
    page.click("#publish")
    page.wait_for_selector("#release-status.ok")
    page.wait_for_function(
        "() => (document.querySelector('#release-state')?.innerText || '').startsWith('Published')"
    )
    page.screenshot(path=str(DOCS / "screenshot-duty-published.png"), full_page=False)
    # The public reads it: on the map and in the incidents' list.
    public = session()
    public.sign_in("public", PASSWORDS["public"])
    assert merged in public.api("/api/v1/map/incidents")["id"]
    assert merged in [i["id"] for i in public.api("/api/v1/incidents?limit=5000")]
    # The daily report of that day downloads, as a PDF.
    page.goto(f"{chair.server.url}/#/console")
    page.wait_for_selector("#report-day")
    page.fill("#report-day", day)
    page.dispatch_event("#report-day", "change")
    with page.expect_download() as got:
        page.click("#daily-pdf")
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
