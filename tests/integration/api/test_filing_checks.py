"""Filing that cannot go wrong silently (issue 22), server side: a report's point checked against
the place it names and the monitored area on every path that files — the API (custodial, draft,
client-signed), the CLI — refused in one line naming the contradiction unless the report carries
an override note, which is then in the signed entry; the place search for the form's picker.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Api
from truce.ledger.entry import Entry
from truce.model import Report

SARAQIB_AT_PARIS: dict[str, Any] = {
    "title": "Test: strike reported at Saraqib",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": {"start": "2019-03-13", "precision": 1},
    "locations": [
        {"place": "Saraqib", "admin1": "Idlib", "point": {"lat": "48.85", "lon": "2.35"}}
    ],
    "sources": [{"name": "Test source", "kind": "party", "reliability": "C", "credibility": 3}],
}


def _at(lat: str, lon: str, **extra: Any) -> dict[str, Any]:
    body = copy.deepcopy(SARAQIB_AT_PARIS)
    body["locations"][0]["point"] = {"lat": lat, "lon": lon, "error_m": 500}
    return {**body, **extra}


def test_a_point_far_from_its_named_place_and_outside_the_area_is_refused(api: Api) -> None:
    ru = api.client("ru-officer")
    size = api.node.ledger.size
    resp = ru.post("/api/v1/reports", json=SARAQIB_AT_PARIS)
    assert resp.status_code == 422, resp.text
    error = resp.json()
    assert error["field"] == "locations.0.point"
    assert error["message"].startswith("location 48.85,2.35 is 3,")
    assert "km from Saraqab (Idlib) and outside the monitored area" in error["message"]
    assert error["message"].endswith("fix the coordinates or set override_note to file anyway")
    assert "\n" not in error["message"]
    assert api.node.ledger.size == size
    # Swapped latitude and longitude (Saraqib's, read the other way round): said so.
    resp = ru.post("/api/v1/reports", json=_at("36.80611", "35.86110"))
    assert resp.status_code == 422, resp.text
    assert "look swapped" in resp.json()["message"]
    # Inside the area but 30 km off the named town (a named town reaches 5 km + its error).
    resp = ru.post("/api/v1/reports", json=_at("35.60", "36.60"))
    assert resp.status_code == 422, resp.text
    assert "km from Saraqab (Idlib)" in resp.json()["message"]
    assert "outside" not in resp.json()["message"]
    assert api.node.ledger.size == size
    # The town itself, in another spelling: filed.
    good = _at("35.8611", "36.8061")
    good["locations"][0]["place"] = "Sarakeb"
    assert ru.post("/api/v1/reports", json=good).status_code == 201
    assert api.node.ledger.size == size + 1


def test_an_override_note_files_it_and_is_in_the_signed_entry(api: Api) -> None:
    ru = api.client("ru-officer")
    note = "the unit's GPS reports this; coordinates to be confirmed"
    resp = ru.post("/api/v1/reports", json={**SARAQIB_AT_PARIS, "override_note": note})
    assert resp.status_code == 201, resp.text
    index = resp.json()["index"]
    entry = api.node.ledger.entry(index)
    assert entry.body["override_note"] == note
    assert entry.body["locations"][0]["point"]["lat"] == "48.85"


def test_event_and_sub_event_types_have_no_default(api: Api) -> None:
    ru = api.client("ru-officer")
    size = api.node.ledger.size
    for missing in ("event_type", "sub_event_type"):
        body = {k: v for k, v in _at("35.8611", "36.8061").items() if k != missing}
        resp = ru.post("/api/v1/reports", json=body)
        assert resp.status_code == 422, resp.text
        assert resp.json()["field"] == missing
    assert api.node.ledger.size == size


def test_drafts_and_client_signed_reports_are_checked_too(api: Api) -> None:
    ru = api.client("ru-officer")
    size = api.node.ledger.size
    draft = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": SARAQIB_AT_PARIS})
    assert draft.status_code == 201, draft.text
    filed = ru.post(f"/api/v1/drafts/{draft.json()['id']}/file")
    assert filed.status_code == 422, filed.text
    assert "km from Saraqab" in filed.json()["message"]
    seq, prev = api.node.ledger.next_position("ru")
    entry = Entry.sign(
        api.node.signing_key("ru"),
        origin=api.node.ledger.origin,
        kind="report.filed",
        author="ru",
        seq=seq,
        prev=prev,
        body=Report.model_validate(SARAQIB_AT_PARIS).to_body(),
        mode="client",
    )
    resp = ru.post(
        "/api/v1/ledger/entries", json={"entries": [base64.b64encode(entry.leaf).decode()]}
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["field"] == "entries.0.body.locations.0.point"
    assert api.node.ledger.size == size


def test_place_search_is_transliteration_tolerant(api: Api) -> None:
    ru = api.client("ru-officer")
    for q in ("Saraqib", "Sarakeb", "سراقب"):
        found = ru.get("/api/v1/places", params={"q": q})
        assert found.status_code == 200, found.text
        best = found.json()[0]
        assert (best["name"], best["admin1"]) == ("Saraqab", "Idlib"), q
        assert (best["lat"], best["lon"]) == ("35.86110", "36.80611")
        assert best["area"].startswith("SY07")
    assert ru.get("/api/v1/places", params={"q": "Qqqxzv"}).json() == []
    assert ru.get("/api/v1/places", params={"q": ""}).status_code == 422
    assert api.client().get("/api/v1/places", params={"q": "Saraqib"}).status_code == 401


def test_the_cli_refuses_it_too_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def truce(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "truce.cli", *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=env)

    assert truce("init").returncode == 0
    assert truce("party", "add", "ru", "--name", "Russian Federation").returncode == 0
    path = tmp_path / "paris.json"
    path.write_text(json.dumps(SARAQIB_AT_PARIS))
    proc = truce("report", "add", str(path), "--as", "ru")
    assert proc.returncode != 0
    first = proc.stderr.splitlines()[0]
    assert "km from Saraqab (Idlib) and outside the monitored area" in first, proc.stderr
    assert "ok: 1 entries" in truce("ledger", "verify").stdout  # nothing appended
    path.write_text(json.dumps({**SARAQIB_AT_PARIS, "override_note": "checked by phone"}))
    proc = truce("report", "add", str(path), "--as", "ru")
    assert proc.returncode == 0, proc.stderr
    assert "ok: 2 entries" in truce("ledger", "verify").stdout
