"""Screenshots of the map UI's main views, for the README: ``make screenshots`` (or
``python tests/e2e/screenshots.py DIR``).

Builds a fresh demo data directory, serves it with ``truce serve`` on a free loopback port, and
photographs it with Debian's Chromium: the map at laptop size (1366×768), an incident page with
its reports side by side and its proofs checked, the report form, and the map at tablet size
(768×1024). A response is filed first so the incident page shows one.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from live import LAPTOP, TABLET, launch, serve, sign_in, wait_map


def _busiest_incident(page, base: str) -> str:
    cols = page.request.get(f"{base}/api/v1/map/incidents").json()
    best = max(range(cols["count"]), key=lambda i: (cols["reports"][i], -i))
    return cols["id"][best]


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from truce.config import Settings
    from truce.demo import build_demo

    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        build_demo(Settings.from_env(env={}, home=home))
        with serve(home) as srv, sync_playwright() as p:
            browser = launch(p)
            ctx = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
            page = ctx.new_page()
            sign_in(page, srv.url, "tr-officer", "demo-tr-officer")
            wait_map(page)
            incident = _busiest_incident(page, srv.url)
            csrf = page.request.get(f"{srv.url}/api/v1/me").json()["csrf_token"]
            page.request.post(
                f"{srv.url}/api/v1/responses",
                data={
                    "incident": incident,
                    "kind": "dispute",
                    "field": "perpetrator",
                    "value": "not our forces",
                    "text": "Illustrative response: our units were not in the area that day.",
                },
                headers={"X-CSRF-Token": csrf},
            )
            page.evaluate("window.__truce.map.jumpTo({center: [36.62, 35.72], zoom: 8.9})")
            page.locator("#legend summary").click()
            page.wait_for_timeout(1500)
            shots.append(out / "screenshot-map.png")
            page.screenshot(path=str(shots[-1]))

            page.goto(f"{srv.url}/#/incident/{incident}")
            page.wait_for_function(
                "() => "
                "[...document.querySelectorAll('li.proof')].every("
                "p => p.dataset.state === 'verified')"
            )
            shots.append(out / "screenshot-incident.png")
            page.screenshot(path=str(shots[-1]), full_page=True)

            page.goto(f"{srv.url}/#/report/new")
            page.wait_for_selector("#report-form")
            shots.append(out / "screenshot-report-form.png")
            page.screenshot(path=str(shots[-1]))
            ctx.close()

            ctx = browser.new_context(viewport=TABLET, device_scale_factor=1)
            page = ctx.new_page()
            sign_in(page, srv.url, "analyst", "demo-analyst")
            wait_map(page)
            page.wait_for_timeout(1000)
            shots.append(out / "screenshot-tablet.png")
            page.screenshot(path=str(shots[-1]))
            ctx.close()
            browser.close()
    return shots


if __name__ == "__main__":
    for path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
