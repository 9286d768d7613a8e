"""Reports and exports over HTTP: members get them with the ledger state in the headers; the
public does not (they include unpublished incidents)."""

from __future__ import annotations

import csv
import io

from conftest import Api
from truce.model import Report

REPORT = {
    "title": "Test: shelling of Morek",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": "2019-03-12",
    "locations": [{"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897"}}],
    "actors": [{"name": "Hay'at Tahrir al-Sham", "role": "perpetrator", "inter": 2}],
    "sources": [{"name": "Test source", "kind": "party"}],
}


def test_exports_and_reports_for_members(api: Api) -> None:
    api.node.file_report("ru", Report.model_validate(REPORT))
    analyst = api.client("analyst")
    formats = analyst.get("/api/v1/exports/formats").json()
    assert {"acled", "cot", "geojson", "hxl", "plover"} <= {f["name"] for f in formats}
    answer = analyst.get("/api/v1/exports/acled", params={"from": "2019-03-12"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["x-truce-ledger-size"] == str(api.node.ledger.size)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["location"] for r in rows] == ["Morek"]
    page = analyst.get("/api/v1/situation-reports/daily", params={"date": "2019-03-12"})
    assert page.status_code == 200
    assert page.text.startswith("<!DOCTYPE html>") and "Morek" in page.text
    assert analyst.get("/api/v1/exports/shapefile").status_code == 404


def test_the_public_gets_no_exports(api: Api) -> None:
    assert api.client().get("/api/v1/exports/formats").status_code == 200
    assert api.client().get("/api/v1/exports/acled").status_code == 401
    assert api.client("citizen").get("/api/v1/situation-reports/daily").status_code == 403
