"""The map's routes over a real server: columns, filters, visibility, basemap, proof bundles."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import httpx
import pytest

from truce.ledger.merkle import leaf_hash, verify_inclusion
from truce.ledger.note import NoteVerifier, open_checkpoint


def _report(sample: dict[str, Any], day: str, lat: str, lon: str, place: str) -> dict[str, Any]:
    r = copy.deepcopy(sample)
    r["date"] = {"start": day, "end": day, "precision": 1}
    r["locations"] = [{"place": place, "point": {"lat": lat, "lon": lon, "error_m": 1000}}]
    return r


@pytest.fixture
def filed(api: Any, sample_report: dict[str, Any]) -> list[str]:
    """Two reports by ru, one by tr: Morek (Hama) on 12 March, Saraqib on 20 March 2019."""
    ru, tr = api.client("ru-officer"), api.client("tr-officer")
    ids = []
    for client, args in (
        (ru, ("2019-03-12", "35.37615", "36.6897", "Morek")),
        (ru, ("2019-03-20", "35.8627", "36.8006", "Saraqib")),
        (tr, ("2019-03-20", "35.8627", "36.8006", "Saraqib")),
    ):
        res = client.post("/api/v1/reports", json=_report(sample_report, *args))
        assert res.status_code == 201, res.text
        ids.append(res.json()["id"])
    return ids


def test_incident_columns_are_parallel_arrays_with_dictionaries(api, filed):
    cols = api.client("analyst").get("/api/v1/map/incidents").json()
    n = cols["count"]
    assert n == cols["total"] >= 2 and not cols["truncated"]
    for key in ("id", "lon", "lat", "start", "end", "grade", "family", "type", "place", "parties"):
        assert len(cols[key]) == n, key
    assert cols["start"] == sorted(cols["start"], reverse=True)  # newest first
    morek = cols["place"].index("Morek")
    assert cols["lon"][morek] == pytest.approx(36.6897)
    assert cols["start"][morek] == 17967  # 2019-03-12 in days since 1970-01-01
    assert cols["dict"]["grade"][cols["grade"][morek]] == "single-source"
    assert cols["dict"]["family"][cols["family"][morek]] == "remote"
    parties = cols["dict"]["party"]
    bits = cols["parties"][morek]
    assert [p for k, p in enumerate(parties) if bits >> k & 1] == ["ru"]
    saraqib = {cols["parties"][i] for i, p in enumerate(cols["place"]) if p == "Saraqib"}
    reporters = {p for b in saraqib for k, p in enumerate(parties) if b >> k & 1}
    assert reporters == {"ru", "tr"}


def test_bbox_and_window_filter_incidents(api, filed):
    c = api.client("analyst")
    around_morek = c.get("/api/v1/map/incidents", params={"bbox": "36.6,35.3,36.8,35.45"}).json()
    assert around_morek["place"] == ["Morek"]
    later = c.get("/api/v1/map/incidents", params={"since": "2019-03-15"}).json()
    assert set(later["place"]) == {"Saraqib"}
    earlier = c.get("/api/v1/map/incidents", params={"until": "2019-03-15"}).json()
    assert earlier["place"] == ["Morek"]
    capped = c.get("/api/v1/map/incidents", params={"limit": 1}).json()
    # Correlation joins the two Saraqib reports: two incidents in all.
    assert capped["count"] == 1 and capped["truncated"] and capped["total"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "36.6,35.3,36.8"}, "bbox"),
        ({"bbox": "37,35,36,36"}, "bbox"),
        ({"since": "2019-03-20", "until": "2019-03-01"}, "until"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_bad_filters_name_the_field(api, params, field):
    res = api.client("analyst").get("/api/v1/map/incidents", params=params)
    assert res.status_code == 422
    body = res.json()
    assert body["field"] == field and body["message"]


def test_the_public_sees_published_incidents_only_and_no_agreement_layers(api, filed):
    c = api.client("analyst")
    first = c.get("/api/v1/map/incidents").json()["id"][-1]
    chair = api.client("chair")
    res = chair.post(
        f"/api/v1/incidents/{first}/override", json={"reason": "urgent warning", "hours": 2}
    )
    assert res.status_code == 201, res.text
    public = api.client("citizen").get("/api/v1/map/incidents").json()
    assert public["id"] == [first]
    anonymous = httpx.get(api.base + "/api/v1/map/incidents").json()
    assert anonymous["id"] == [first]
    assert api.client("citizen").get("/api/v1/map/zones").status_code == 403
    assert httpx.get(api.base + "/api/v1/map/zones").status_code == 401
    # The page of the incident the public is shown (issue 22: it was refused), without reports.
    page = httpx.get(api.base + f"/api/v1/map/incidents/{first}")
    assert page.status_code == 200, page.text
    assert page.json()["incident"]["id"] == first and page.json()["reports"] == []
    hidden = c.get("/api/v1/map/incidents").json()["id"][0]
    if hidden != first:
        assert httpx.get(api.base + f"/api/v1/map/incidents/{hidden}").status_code == 404
    assert httpx.get(api.base + "/api/v1/map/proof/1").status_code == 401


def test_basemap_layers_are_geojson_and_compressed(api):
    layers = httpx.get(api.base + "/api/v1/map/layers").json()
    assert "Natural Earth" in layers["attribution"] and "OCHA" in layers["attribution"]
    for name in layers["basemap"]:
        res = httpx.get(api.base + f"/api/v1/map/basemap/{name}.geojson")
        assert res.status_code == 200, name
        data = res.json()
        assert data["type"] == "FeatureCollection" and data["features"], name
    villages = httpx.get(api.base + "/api/v1/map/basemap/villages.geojson").json()
    assert len(villages["features"]) > 1000
    raw = httpx.get(
        api.base + "/api/v1/map/basemap/admin1.geojson", headers={"Accept-Encoding": "gzip"}
    )
    assert raw.headers["content-encoding"] == "gzip"
    etag = raw.headers["etag"]
    again = httpx.get(
        api.base + "/api/v1/map/basemap/admin1.geojson", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    missing = httpx.get(api.base + "/api/v1/map/basemap/tiles.geojson")
    assert missing.status_code == 404 and "admin1" in missing.json()["message"]


def test_gzip_bodies_decompress_to_the_same_json(api):
    path = "/api/v1/map/basemap/towns.geojson"
    res = httpx.get(api.base + path, headers={"Accept-Encoding": "gzip"})
    plain = httpx.get(api.base + path, headers={"Accept-Encoding": "identity"})
    # httpx decodes gzip itself: the header says it was compressed, the JSON is the same.
    assert res.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert res.json() == plain.json()


def test_proof_bundle_verifies_with_the_python_verifier(api, filed):
    c = api.client("analyst")
    report = c.get(f"/api/v1/reports/{filed[1]}").json()
    bundle = c.get(f"/api/v1/map/proof/{report['entry_index']}").json()
    cp = open_checkpoint(bundle["checkpoint"], NoteVerifier.from_vkey(bundle["log_key"]))
    assert cp.size == bundle["size"] and cp.origin == bundle["origin"]
    leaf = base64.b64decode(bundle["leaf"])
    proof = [base64.b64decode(p) for p in bundle["proof"]]
    verify_inclusion(leaf_hash(leaf), bundle["index"], cp.size, proof, cp.root)
    assert bundle["author"] == "ru" and bundle["kind"] == "report.filed"
    assert json.loads(leaf[:-64])["body"]["locations"][0]["place"] == "Saraqib"
    beyond = c.get(f"/api/v1/map/proof/{cp.size}")
    assert beyond.status_code == 404 and "checkpoint" in beyond.json()["message"]


def test_incident_page_carries_full_reports_and_responses(api, filed):
    c = api.client("analyst")
    cols = c.get("/api/v1/map/incidents").json()
    incident = cols["id"][cols["place"].index("Morek")]
    res = api.client("tr-officer").post(
        "/api/v1/responses", json={"incident": incident, "kind": "deny", "text": "Not us."}
    )
    assert res.status_code == 201, res.text
    page = c.get(f"/api/v1/map/incidents/{incident}").json()
    assert page["incident"]["id"] == incident
    assert [r["report"]["locations"][0]["place"] for r in page["reports"]] == ["Morek"]
    assert [(r["author"], r["kind"]) for r in page["responses"]] == [("tr", "deny")]
    assert page["parties"]["tr"]["name"] == "Republic of Türkiye"
    assert page["violations"] == []
    assert c.get("/api/v1/map/incidents/I-999999").status_code == 404


def test_the_party_held_responsible_is_a_column(api, sample_report):
    report = _report(sample_report, "2019-04-02", "35.6", "36.5", "Kafr Nabl")
    report["actors"] = [{"name": "Turkish Armed Forces", "role": "perpetrator", "inter": 8}]
    res = api.client("ru-officer").post("/api/v1/reports", json=report)
    assert res.status_code == 201, res.text
    cols = api.client("analyst").get("/api/v1/map/incidents").json()
    i = cols["place"].index("Kafr Nabl")
    held = cols["responsible"][i]
    assert held != -1, "the incident names no party held responsible"
    assert cols["dict"]["party"][held] == "tr"
