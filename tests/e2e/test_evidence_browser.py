"""The evidence locker in a real browser: attach a photo to an incident (choosing the file), see
it in the gallery with what its EXIF says and the findings; then drop a re-encoded, resized
copy on the page (drag and drop) and see it flagged as a near-duplicate of the first."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

import photos

pytestmark = pytest.mark.e2e

REPORT = {
    "title": "E2E: strike on a school in Saraqib",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": {"start": "2020-02-10", "end": "2020-02-10", "precision": 1},
    "locations": [
        {"place": "Saraqib", "point": {"lat": "35.8623", "lon": "36.8006", "error_m": 1000}}
    ],
    "sources": [{"name": "E2E patrol", "kind": "party", "reliability": "B", "credibility": 2}],
}


def test_attach_a_photo_and_see_its_copy_flagged(session, tmp_path: Path) -> None:
    s = session()
    s.sign_in("ru-officer", "demo-ru-officer")
    page = s.page
    csrf = s.api("/api/v1/me")["csrf_token"]
    filed = page.request.post(
        f"{s.server.url}/api/v1/reports", data=REPORT, headers={"X-CSRF-Token": csrf}
    )
    assert filed.ok, filed.text()
    report = filed.json()["id"]
    incident = s.api(f"/api/v1/reports/{report}")["incident_id"]

    original = photos.jpeg(
        21,
        (1200, 900),
        captured="2016:05:01 09:30:00",
        gps=(35.8620, 36.8010),
        device=("Canon", "EOS 80D"),
    )
    old = tmp_path / "school-2016.jpg"
    old.write_bytes(original)
    page.goto(f"{s.server.url}/#/incident/{incident}")
    page.wait_for_selector("#evidence-drop")
    page.wait_for_function(
        "() => document.getElementById('evidence-gallery').dataset.count === '0'"
    )
    page.set_input_files("#evidence-file", str(old))
    page.wait_for_function(
        "() => document.getElementById('evidence-gallery').dataset.count === '1'"
    )
    card = page.locator(".evidence-card").first
    text = card.inner_text()
    assert "school-2016.jpg" in text and "Canon EOS 80D" in text
    assert "2016-05-01 09:30:00" in text and "35.86200, 36.80100" in text
    assert "photo taken 2016-05-01, 4 years before the event (2020-02-10)" in text
    assert card.locator("img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "added as E-" in page.locator("#upload-queue").inner_text()

    # A re-encoded, resized copy, dropped on the page as a file from the desktop would be.
    copy = photos.reencode(original, scale=0.5, quality=60)
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const bin = atob(data);
            const bytes = new Uint8Array(bin.length);
            for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, { type: "image/jpeg" }));
            return dt;
        }""",
        ["forwarded.jpg", base64.b64encode(copy).decode()],
    )
    page.dispatch_event("#evidence-drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#evidence-drop", "drop", {"dataTransfer": transfer})
    page.wait_for_function(
        "() => document.getElementById('evidence-gallery').dataset.count === '2'"
    )
    second = page.locator(".evidence-card").nth(1)
    flagged = second.locator(".finding-duplicate").inner_text()
    first_id = card.get_attribute("id").removeprefix("evidence-")
    assert "already attached to this incident" in flagged and first_id in flagged
    assert "near-duplicate" in flagged and "school-2016.jpg" in flagged

    # The card links the proof bundle of its entry, for whoever checks a copy.
    href = card.locator(".proof-link a").get_attribute("href")
    assert href is not None and href.endswith(f"/bundle/{first_id}")
    proof = page.request.get(s.server.url + href)
    assert proof.ok and proof.json()["format"] == "truce-proof-bundle/v1"

    # The map draws where the photo says it was taken against where the report says.
    s.open_map()
    page.wait_for_function(
        """(id) => window.__truce.map && window.__truce.map.getLayer('evidence-photos')
            && window.__truce.view.evidence.features.some((x) => x.properties.id === id)""",
        arg=first_id,
    )
    shown = page.evaluate(
        """(id) => {
            const view = window.__truce.view;
            const f = view.evidence.features.find(
                (x) => x.properties.layer === "photo" && x.properties.id === id);
            view.showPhoto(f);
            return view.detailEl.innerText;
        }""",
        first_id,
    )
    assert f"{first_id}: school-2016.jpg" in shown and "km from Saraqib" in shown, shown
