"""The map's evidence layer over HTTP: each photo with GPS is a point and a line to where its
report (or incident) says; files without a position are not drawn; the public sees nothing
until the incident is published, then lines to the incident's position and no report ids."""

from __future__ import annotations

from typing import Any

import photos
from conftest import Api
from truce.geo.distance import haversine_km

MOREK = (35.37615, 36.6897)  # the sample report's point


def _upload(client: Any, params: dict[str, str], body: bytes, name: str) -> dict[str, Any]:
    resp = client.post("/api/v1/evidence", params={**params, "filename": name}, content=body)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def _by_layer(fc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    assert fc["type"] == "FeatureCollection"
    out: dict[str, list[dict[str, Any]]] = {}
    for f in fc["features"]:
        out.setdefault(f["properties"]["layer"], []).append(f)
    return out


def test_evidence_layer_points_lines_and_visibility(api: Api, sample_report: dict) -> None:
    ru, chair, public = api.client("ru-officer"), api.client("chair"), api.client()
    rid = ru.post("/api/v1/reports", json=sample_report).json()["id"]
    far = _upload(ru, {"report": rid}, photos.jpeg(3, gps=(36.2, 37.15)), "far.jpg")
    _upload(ru, {"report": rid}, photos.jpeg(4), "no-gps.jpg")
    incident = far["incident_id"]
    near = _upload(ru, {"incident": incident}, photos.jpeg(6, gps=(35.38, 36.69)), "near.jpg")

    resp = ru.get("/api/v1/map/evidence")
    assert resp.status_code == 200, resp.text
    layers = _by_layer(resp.json())
    points = {f["properties"]["id"]: f for f in layers["photo"]}
    assert sorted(points) == sorted([far["id"], near["id"]])  # the photo without GPS is not drawn
    p = points[far["id"]]
    assert p["geometry"] == {"type": "Point", "coordinates": [far["lon"], far["lat"]]}
    assert p["properties"]["report"] == rid and p["properties"]["incident"] == incident
    assert "km from the claimed place (Morek)" in (p["properties"]["place_finding"] or "")
    assert points[near["id"]]["properties"]["place_finding"] is None
    lines = {f["properties"]["id"]: f for f in layers["offset"]}
    line = lines[far["id"]]
    start, end = line["geometry"]["coordinates"]
    assert start == [far["lon"], far["lat"]]
    assert abs(end[0] - MOREK[1]) < 1e-6 and abs(end[1] - MOREK[0]) < 1e-6  # the report's point
    want = haversine_km(far["lat"], far["lon"], *MOREK)
    assert abs(line["properties"]["distance_km"] - want) < 0.01 and want > 100
    assert line["properties"]["claimed_place"] == "Morek"
    assert lines[near["id"]]["properties"]["distance_km"] < 1

    assert _by_layer(public.get("/api/v1/map/evidence").json()) == {}  # nothing published yet
    over = chair.post(
        f"/api/v1/incidents/{incident}/override", json={"reason": "urgent", "hours": 2}
    )
    assert over.status_code == 201, over.text
    seen = _by_layer(public.get("/api/v1/map/evidence").json())
    assert sorted(f["properties"]["id"] for f in seen["photo"]) == sorted(points)
    assert all(f["properties"]["report"] is None for f in seen["photo"] + seen["offset"])
    assert {f["properties"]["incident"] for f in seen["offset"]} == {incident}
    for f in seen["offset"]:  # to the incident's position: one report, so Morek's
        end = f["geometry"]["coordinates"][1]
        assert abs(end[0] - MOREK[1]) < 1e-4 and abs(end[1] - MOREK[0]) < 1e-4, end
    assert ru.get("/api/v1/map/evidence").json()["features"][0]["properties"]["report"] == rid
