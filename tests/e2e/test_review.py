"""The review queue in a real browser (issue 15): a page with a yearless date is queued, the
chair corrects the date beside the highlighted source and accepts, the incident appears on the
map, and its page's history shows the correction and who made it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# Written for this test (no third-party text). No publication date: "March 13" has no year.
PAGE = (
    "<html><body><article><h1>Shelling near Saraqib</h1><p>The town was quiet in the "
    "morning.</p><p>Artillery shells hit Saraqib on March 13, killing three civilians, "
    "activists said.</p></article></body></html>"
)


def test_queue_correct_the_date_accept_and_see_it_on_the_map(session):
    s = session()
    s.sign_in("chair", "demo-chair")
    page = s.page
    page.goto(f"{s.server.url}/#/ingest")
    page.wait_for_selector("#ingest-form")
    page.fill("#i-text", PAGE)
    page.click("#ingest-form button[type=submit]")
    page.wait_for_selector("#form-status.ok, #form-status.error")
    status = page.locator("#form-status").inner_text()
    assert "0 reports filed, 1 queued for review" in status, status
    queued = page.locator("#ingest-results a[href^='#/review/C-']")
    assert "year of 'March 13' unknown" in page.locator("#ingest-results").inner_text()
    claim = queued.inner_text()
    # The queue lists it with what it needs; its page shows it beside the source, highlighted.
    page.goto(f"{s.server.url}/#/review")
    item = page.locator(f"#review-queue li[data-claim='{claim}']")
    item.wait_for()
    assert "publication date unknown" in item.inner_text()
    item.locator("a").click()
    page.wait_for_selector("#review-form")
    marked = page.locator("#claim-source mark").all_inner_texts()
    assert marked == [
        "Artillery shells hit Saraqib on March 13, killing three civilians, activists said."
    ]
    assert "The town was quiet" in page.locator("#claim-source").inner_text()  # the context
    # Accepting without the date is refused, with the reason beside the form.
    page.click("#c-accept")
    page.wait_for_selector("#form-status.error")
    assert "needs a date" in page.locator("#form-status").inner_text()
    page.fill("#c-date", "2019-03-13")
    page.fill("#c-reason", "the article appeared on 14 March 2019")
    page.click("#c-accept")
    page.wait_for_url("**/#/map?focus=*")
    page.wait_for_selector("#selected-card")
    incident = page.url.split("focus=")[1]
    assert incident in page.locator("#selected-card").inner_text()
    cols = s.api("/api/v1/map/incidents")
    assert incident in cols["id"]
    at = cols["id"].index(incident)
    assert cols["lon"][at] is not None  # drawn: Saraqib resolved
    page.click("#selected-card a.button")
    page.wait_for_selector("#incident-title")
    history = page.locator("#history li")
    history.first.wait_for()
    text = history.first.inner_text()
    assert f"was claim {claim}" in text and "year of 'March 13' unknown" in text
    assert "Accepted by chair for Joint" in text and "date (missing) → 2019-03-13" in text
    # The queue now lists it as accepted, and the claim's page shows the decision.
    page.goto(f"{s.server.url}/#/review/{claim}")
    page.wait_for_selector("#claim-decision")
    decision = page.locator("#claim-decision").inner_text()
    assert "Accepted by chair" in decision and "2019-03-13" in decision
    assert page.locator("#review-form").count() == 0
