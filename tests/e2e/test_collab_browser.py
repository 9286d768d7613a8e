"""Collaboration in the browser (issue 22): the monitor assigns a task to tr on the incident page,
tr's notifications badge counts it live (no reload), tr marks it done there; a comment by ru
appears on tr's open incident page by itself; the public sees neither section."""

from __future__ import annotations

import pytest
from test_duty import PASSWORDS

pytestmark = pytest.mark.e2e


def test_a_task_and_a_comment_between_two_browsers(session):
    monitor, tr, ru = session(), session(), session()
    monitor.sign_in("monitor", PASSWORDS["monitor"])
    tr.sign_in("tr-officer", PASSWORDS["tr-officer"])
    ru.sign_in("ru-officer", PASSWORDS["ru-officer"])
    incident = monitor.api("/api/v1/incidents?limit=1")[0]["id"]
    tr.page.goto(f"{tr.server.url}/#/incident/{incident}")
    tr.page.wait_for_selector("#comments-title")
    tr.page.wait_for_function("() => document.body.dataset.live === 'live'")
    tr.page.evaluate("window.__notReloaded = true")
    before = int(tr.page.get_attribute("#notifications", "data-unread") or "0")

    monitor.page.goto(f"{monitor.server.url}/#/incident/{incident}")
    monitor.page.wait_for_selector("#task-form")
    monitor.page.select_option("#task-party", "tr")
    monitor.page.fill("#task-title", "E2E: patrol to verify the crater")
    monitor.page.click("#task-form button[type=submit]")
    monitor.page.wait_for_selector("#tasks li:has-text('E2E: patrol to verify the crater')")

    # tr hears of it at once, and the task appears on tr's page, without a reload.
    tr.page.wait_for_function(
        f"() => Number(document.getElementById('notifications').dataset.unread) > {before}"
    )
    row = tr.page.locator("#tasks li:has-text('E2E: patrol to verify the crater')")
    row.wait_for()
    assert tr.page.evaluate("window.__notReloaded === true")
    row.locator("button:has-text('Mark done')").click()
    tr.page.wait_for_selector(
        "#tasks li[data-status=done]:has-text('E2E: patrol to verify the crater')"
    )
    tr.page.click("#notifications")
    assert "E2E: patrol to verify the crater" in tr.page.inner_text("#notifications-panel")
    assert tr.page.get_attribute("#notifications", "data-unread") == "0"

    # ru's officer comments; tr's open page shows it by itself.
    ru.page.goto(f"{ru.server.url}/#/incident/{incident}")
    ru.page.wait_for_selector("#comment-form")
    assert ru.page.locator("#task-party option").all_inner_texts() == [
        ru.page.locator("#task-party option").first.inner_text()
    ]  # an officer assigns to its own party only
    ru.page.fill("#comment-text", "E2E: our unit saw the impact")
    ru.page.click("#comment-form button[type=submit]")
    tr.page.wait_for_selector("#comments li:has-text('E2E: our unit saw the impact')")

    public = session()
    public.page.goto(f"{public.server.url}/#/incident/{incident}")
    public.page.wait_for_selector("main h1")
    assert public.page.locator("#comments-title").count() == 0
    assert public.page.locator("#notifications").count() == 0
