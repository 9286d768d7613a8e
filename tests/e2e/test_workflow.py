"""The center's day in a real browser: file a report, find it on the map, open its page, check its
ledger proof in the browser, respond as the other party; and a forged proof is refused."""

from __future__ import annotations

import base64
import json

import pytest

pytestmark = pytest.mark.e2e

REPORT = {
    "title": "E2E: shelling of Khan Shaykhun",
    "place": "Khan Shaykhun",
    "lat": "35.4419",
    "lon": "36.6464",
    "start": "2020-03-20",
}


def file_report(
    page, base: str, perpetrator: str = "Syrian Arab Army", day: str = REPORT["start"]
) -> str:
    page.goto(f"{base}/#/report/new")
    page.wait_for_selector("#report-form")
    page.fill("#r-title", REPORT["title"])
    page.select_option("#r-type", "Explosions/Remote violence")
    page.select_option("#r-sub", "Shelling/artillery/missile attack")
    page.fill("#r-start", day)
    page.fill("#r-place", REPORT["place"])
    page.select_option("#r-admin1", "Idlib")
    page.fill("#r-lat", REPORT["lat"])
    page.fill("#r-lon", REPORT["lon"])
    page.fill("#r-error", "2000")
    page.fill("#r-perp", perpetrator)
    page.fill("#r-target", "Civilians (Syria)")
    page.fill("#r-killed", "2")
    page.fill("#r-source", "Russian Centre for Reconciliation")
    page.click("#report-form button[type=submit]")
    # The review step shows what will be signed before anything is.
    page.wait_for_selector("#report-review:not([hidden])")
    signed = json.loads(page.locator("#review-json").inner_text())
    assert signed["title"] == REPORT["title"] and signed["locations"][0]["place"] == REPORT["place"]
    page.click("#r-sign")
    # Filed: the page goes to the map, centred on the report's incident, which is selected.
    page.wait_for_url("**/#/map?focus=*")
    page.wait_for_selector("#selected-card")
    return page.url.split("focus=")[1]


def test_file_report_see_it_on_the_map_and_verify_its_proof(session):
    s = session()
    s.sign_in("ru-officer", "demo-ru-officer")
    s.open_map()
    incident = file_report(s.page, s.server.url)
    page = s.page
    card = page.locator("#selected-card").inner_text()
    assert incident in card and "Shelling" in card and "Russian Federation" in card
    # It is drawn: in the incidents source, and ringed as the selection.
    drawn = page.evaluate(
        """async () => {
            const map = window.__truce.map;
            const all = (await map.getSource('incidents').getData()).features;
            const sel = (await map.getSource('selected').getData()).features;
            return [all.length, sel.length, sel[0].geometry.coordinates];
        }"""
    )
    assert drawn[1] == 1
    assert drawn[2] == pytest.approx([float(REPORT["lon"]), float(REPORT["lat"])])
    page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{drawn[0]}'")
    cols = s.api("/api/v1/map/incidents")
    assert drawn[0] == sum(1 for lon in cols["lon"] if lon is not None)
    assert incident in cols["id"]
    page.click("#selected-card a.button")
    page.wait_for_selector("#incident-title")
    assert page.locator("#incident-title").inner_text().startswith(f"{incident}:")
    # The proof is checked in the browser against the signed checkpoint.
    proof = page.locator("li.proof").first
    page.wait_for_function("() => document.querySelector('li.proof').dataset.state === 'verified'")
    text = proof.inner_text()
    cp = s.page.request.get(f"{s.server.url}/api/v1/ledger/checkpoint").text().split("\n")
    index = int(proof.get_attribute("data-index"))
    assert f"entry {index}, included in checkpoint of size {cp[1]}, root {cp[2]}" in text
    assert "WebCrypto" in text  # 127.0.0.1 is a secure context: WebCrypto did the checking


def test_other_party_responds_and_the_page_shows_the_grade_change(session):
    ru = session()
    ru.sign_in("ru-officer", "demo-ru-officer")
    ru.open_map()
    # ru reports shelling by Turkish forces: single-source, with tr held responsible.
    incident = file_report(
        ru.page, ru.server.url, perpetrator="Turkish Armed Forces", day="2020-03-27"
    )
    before = ru.api(f"/api/v1/map/incidents/{incident}")["incident"]["occurrence"]
    # The party filter finds it among the incidents tr is held responsible for.
    cols = ru.api("/api/v1/map/incidents")
    tr_index = cols["dict"]["party"].index("tr")
    held = [i for i, r in enumerate(cols["responsible"]) if r == tr_index and cols["lon"][i]]
    assert incident in [cols["id"][i] for i in held]
    ru.page.select_option("#filter-party", "resp:tr")
    ru.page.wait_for_function(f"() => document.body.dataset.incidentsRendered === '{len(held)}'")

    tr = session()
    tr.sign_in("tr-officer", "demo-tr-officer")
    page = tr.page
    page.goto(f"{tr.server.url}/#/incident/{incident}")
    page.wait_for_selector("#respond-form")
    assert page.locator("#grade").inner_text().lower().replace(" ", "-") == before
    page.select_option("#response-kind", "acknowledge")
    page.fill("#response-text", "Our artillery fired on Khan Shaykhun that day.")
    page.click("#respond-form button[type=submit]")
    page.wait_for_selector("#responses >> text=Republic of Türkiye")
    assert "Our artillery fired" in page.locator("#responses").inner_text()
    # The response's own entry is proved too.
    bundle = tr.api(f"/api/v1/map/incidents/{incident}")
    entries = len(bundle["reports"]) + len(bundle["responses"])
    page.wait_for_function(
        "() => "
        f"[...document.querySelectorAll('li.proof')].length === {entries} && "
        "[...document.querySelectorAll('li.proof')].every(p => p.dataset.state === 'verified')"
    )
    after = bundle["incident"]["occurrence"]
    shown = page.locator("#grade").inner_text().lower().replace(" ", "-")
    assert shown == after  # the page shows the grade the server holds now
    # Acknowledged by the party held responsible: confirmed, and the page says why.
    assert (before, after) == ("single-source", "confirmed")
    assert "acknowledged by Republic of Türkiye" in page.locator(".grade").inner_text()


def _tamper(route, change, failures=None):
    response = route.fetch()
    try:
        bundle = response.json()
        change(bundle)
    except Exception as exc:  # the page would wait for ever on a route left unanswered
        if failures is not None:
            failures.append(f"{route.request.url}: {exc!r}")
        route.fulfill(response=response)
        return
    route.fulfill(response=response, body=json.dumps(bundle))


def _flip(b64: str, at: int = 10) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[at] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("leaf", lambda b: b.update(leaf=_flip(b["leaf"], 40)), "root computed from the entry"),
        ("proof", lambda b: b["proof"].__setitem__(0, _flip(b["proof"][0])), "root computed from"),
        (
            "checkpoint root",
            lambda b: b.update(
                checkpoint=b["checkpoint"].replace(
                    b["checkpoint"].split("\n")[2], _flip(b["checkpoint"].split("\n")[2])
                )
            ),
            "signature does not verify",
        ),
        (
            "entry signature",
            lambda b: b.update(leaf=_flip(b["leaf"], len(base64.b64decode(b["leaf"])) - 5)),
            "",  # the leaf hash changes too; either check may speak first
        ),
        ("log key", lambda b: b.update(log_key=b["log_key"][:-6] + "AAAAA="), "log key"),
    ],
)
def test_a_forged_proof_is_refused_in_the_browser(session, name, change, message):
    s = session()
    s.sign_in("analyst", "demo-analyst")
    failures: list[str] = []
    s.page.route("**/api/v1/map/proof/*", lambda route: _tamper(route, change, failures))
    first = s.api("/api/v1/map/incidents")["id"][-1]
    s.page.goto(f"{s.server.url}/#/incident/{first}")
    s.page.wait_for_function(
        "() => ['failed', 'verified'].includes(document.querySelector('li.proof')?.dataset.state)",
        timeout=45_000,
    )
    assert not failures, failures
    assert s.page.get_attribute("li.proof", "data-state") == "failed"
    text = s.page.locator("li.proof .proof-result").first.inner_text()
    assert text.startswith("✗ Not verified"), text
    assert message in text, (name, text)


def test_plan_a_patrol_and_see_its_route_on_the_map(session):
    s = session()
    s.sign_in("ru-officer", "demo-ru-officer")
    page = s.page
    page.goto(f"{s.server.url}/#/patrol/new")
    page.wait_for_selector("#patrol-form")
    page.fill("#p-id", "e2e-m4-east")
    page.fill("#p-name", "E2E joint patrol along the M4, east")
    page.check("input[name=parties][value=tr]")
    page.fill("#p-start", "2020-03-22T08:00")
    page.fill("#p-end", "2020-03-22T12:00")
    # A line that is not "longitude latitude" is caught before anything is sent.
    page.fill("#p-route", "36.80 35.80\n36.9")
    page.click("#patrol-form button[type=submit]")
    page.wait_for_selector("#form-status.error")
    assert "line 2" in page.locator("#form-status").inner_text()
    page.fill("#p-route", "36.8003 35.7720\n36.9000 35.8000\n37.0000 35.8200")
    page.click("#patrol-form button[type=submit]")
    page.wait_for_selector("#form-status.ok")
    assert "Planned e2e-m4-east" in page.locator("#form-status").inner_text()
    page.click("#form-status a")
    page.wait_for_function(
        "() => "
        "document.body.dataset.incidentsRendered !== undefined && "
        "window.__truce.map && window.__truce.map.getSource('patrols')"
    )
    routes = page.evaluate(
        """async () => (await window.__truce.map.getSource('patrols').getData()).features
            .filter(f => f.properties.layer === 'route').map(f => f.properties)"""
    )
    mine = [r for r in routes if r["patrol"] == "e2e-m4-east"]
    assert mine and mine[0]["parties"] == ["ru", "tr"]


PAGE = (
    "<html><body><article><h1>Shelling in Kafr Nabl</h1><p>On 18 March 2019, artillery "
    "shells hit the town of Kafr Nabl in southern Idlib, killing two civilians, local "
    "sources said.</p></article></body></html>"
)


def test_ingest_a_pasted_page(session):
    s = session()
    s.sign_in("monitor", "demo-monitor")
    page = s.page
    page.goto(f"{s.server.url}/#/ingest")
    page.wait_for_selector("#ingest-form")
    page.fill("#i-text", PAGE)
    page.click("#ingest-form button[type=submit]")
    page.wait_for_selector("#form-status.ok, #form-status.error")
    assert page.locator("#form-status").inner_text().startswith("Ingested: 1 claim read, 1 report")
    link = page.locator("#ingest-results a").first
    link.click()
    page.wait_for_selector("#incident-title")
    assert "Kafr N" in page.locator(".lede").inner_text()  # Nabl, Nubl: one gazetteer place
    # The same page again is recognised by its SHA-256 and not filed twice.
    page.goto(f"{s.server.url}/#/ingest")
    page.wait_for_selector("#ingest-form")
    page.fill("#i-text", PAGE)
    page.click("#ingest-form button[type=submit]")
    page.wait_for_selector("#form-status.ok")
    assert page.locator("#form-status").inner_text().startswith("Already ingested")


def test_proofs_are_checked_without_webcrypto_too(session):
    """Plain HTTP to a LAN address is not a secure context: no crypto.subtle. The audited
    @noble packages then do the same checks, and a forgery is still refused."""
    s = session()
    s.context.add_init_script(
        "Object.defineProperty(Crypto.prototype, 'subtle', {get: () => undefined});"
    )
    s.sign_in("analyst", "demo-analyst")
    first = s.api("/api/v1/map/incidents")["id"][-1]
    page = s.page
    page.goto(f"{s.server.url}/#/incident/{first}")
    page.wait_for_function("() => document.querySelector('li.proof')?.dataset.state === 'verified'")
    text = page.locator("li.proof").first.inner_text()
    assert "checked with @noble (no WebCrypto in this context)" in text
    assert page.evaluate("window.crypto.subtle") is None
    page.route(
        "**/api/v1/map/proof/*",
        lambda route: _tamper(route, lambda b: b.update(leaf=_flip(b["leaf"], 40))),
    )
    page.locator("li.proof button.check-proof").first.click()
    page.wait_for_function("() => document.querySelector('li.proof').dataset.state === 'failed'")
    assert "root computed from the entry" in page.locator("li.proof").first.inner_text()


def test_a_bad_report_is_refused_beside_the_field_with_the_focus_there_and_nothing_filed(
    session,
):
    s = session()
    s.sign_in("ru-officer", "demo-ru-officer")
    size = s.page.request.get(f"{s.server.url}/api/v1/ledger/checkpoint").text().split("\n")[1]
    page = s.page
    page.goto(f"{s.server.url}/#/report/new")
    page.wait_for_selector("#report-form")
    # Nothing is chosen for the filer: the event and sub-event types start at "choose…".
    assert page.locator("#r-type").input_value() == ""
    assert page.locator("#r-sub").input_value() == ""
    assert page.locator("#r-type option").first.inner_text() == "choose…"
    page.fill("#r-title", "E2E: half a position")
    page.fill("#r-place", "Morek")
    page.fill("#r-source", "Test source")
    page.click("#report-form button[type=submit]")
    err = page.locator("#r-type-error")
    err.wait_for()
    assert page.evaluate("document.activeElement.id") == "r-type"
    assert "Event type" not in err.inner_text()  # the label beside it names the field, once
    page.select_option("#r-type", "Explosions/Remote violence")
    page.select_option("#r-sub", "Shelling/artillery/missile attack")
    page.fill("#r-lat", "35.37")  # no longitude
    page.click("#report-form button[type=submit]")
    err = page.locator("#r-lon-error")
    err.wait_for()
    assert page.evaluate("document.activeElement.id") == "r-lon"  # focus goes to the field
    assert page.locator("#r-type-error").count() == 0  # the earlier error is gone
    # The error is beside its field, not at the bottom of the form.
    box = page.locator("#r-lon").bounding_box()
    near = err.bounding_box()
    assert 0 <= near["y"] - (box["y"] + box["height"]) < 40
    page.fill("#r-lon", "36.69")
    page.fill("#r-end", "2019-01-01")  # before the start: the server says so, beside the field
    page.click("#report-form button[type=submit]")
    page.locator("#r-end-error").wait_for()
    assert "before" in page.locator("#r-end-error").inner_text()
    assert page.evaluate("document.activeElement.id") == "r-end"
    after = s.page.request.get(f"{s.server.url}/api/v1/ledger/checkpoint").text().split("\n")[1]
    assert after == size  # nothing was appended
