"""Issue 23, failure 6: a self-intersecting zone accepted by the API made ``GET
/api/v1/map/zones`` answer 500 for everyone, for good. A bad polygon is refused at the door with
a 422 that says what to fix; and a bad geometry already in the store (from a log written before
that check) is left out of the map layer and named, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert

from truce.store import schema

BOWTIE = "POLYGON ((36.6 35.3, 36.8 35.5, 36.8 35.3, 36.6 35.5, 36.6 35.3))"
GOOD = "POLYGON ((36.6 35.3, 36.8 35.3, 36.8 35.5, 36.6 35.5, 36.6 35.3))"


def zone(wkt: str, zid: str = "bad-zone") -> dict[str, Any]:
    return {"id": zid, "name": "A zone", "kind": "demilitarized_zone", "wkt": wkt}


@pytest.mark.parametrize(
    ("wkt", "words"),
    [
        (BOWTIE, "self-intersection"),
        ("POLYGON ((36.6 35.3, 36.8 35.3, 36.6 35.3))", "ring"),
        (
            "POLYGON ((36.6 35.3, 36.9 35.3, 36.9 35.6, 36.6 35.6, 36.6 35.3),"
            " (36.0 35.0, 36.1 35.0, 36.1 35.1, 36.0 35.0))",
            "hole",
        ),
    ],
)
def test_an_invalid_polygon_is_refused_with_what_to_fix(
    shared_api: Any, wkt: str, words: str
) -> None:
    chair = shared_api.client("chair")
    start = shared_api.node.ledger.size
    r = chair.post("/api/v1/zones", json=zone(wkt))
    assert r.status_code == 422, r.text
    message = r.json()["message"]
    assert "\n" not in message and words in message.lower(), message
    assert r.json()["field"] == "wkt"
    assert shared_api.node.ledger.size == start
    assert chair.get("/api/v1/map/zones").status_code == 200


def test_a_bad_geometry_already_stored_is_left_out_of_the_map_not_a_500(shared_api: Any) -> None:
    chair = shared_api.client("chair")
    assert chair.post("/api/v1/zones", json=zone(GOOD, "good-zone")).status_code == 201
    with shared_api.node.store.engine.begin() as conn:
        for zid, wkt in (("old-bowtie", BOWTIE), ("old-garbage", "POLYGON ((1 2, oops")):
            conn.execute(
                insert(schema.zones).values(
                    id=zid,
                    name=zid,
                    kind="demilitarized_zone",
                    wkt=wkt,
                    approximate=False,
                    source="",
                    notes="",
                    author="center",
                    entry_index=0,
                    version=1,
                )
            )
    for who in ("chair", "tr-officer"):
        r = shared_api.client(who).get("/api/v1/map/zones")
        assert r.status_code == 200, r.text
        layer = r.json()
        ids = [f["id"] for f in layer["features"]]
        assert "good-zone" in ids and "old-bowtie" not in ids and "old-garbage" not in ids
        skipped = {s["id"]: s["problem"] for s in layer["skipped"]}
        assert "self-intersection" in skipped["old-bowtie"].lower()
        assert "wkt" in skipped["old-garbage"].lower()
