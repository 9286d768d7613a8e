"""Reading zones, sites, routes and tracks: what is accepted, and errors that name the place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from truce.agreement.aoi import aoi_from_setting, default_aoi
from truce.agreement.patrol import read_route, read_track, track_parts
from truce.agreement.sites import read_sites
from truce.agreement.zones import read_zones
from truce.errors import ConfigError, ValidationError
from truce.model.patrol import MAX_TRACK_POINTS

SQUARE = [[36.5, 35.5], [36.9, 35.5], [36.9, 35.9], [36.5, 35.9], [36.5, 35.5]]
BOWTIE = [[36.6, 35.6], [36.7, 35.7], [36.7, 35.6], [36.6, 35.7], [36.6, 35.6]]


def feature(coords: Any, gtype: str = "Polygon", **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": gtype, "coordinates": coords},
    }


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def test_zones_read_with_kinds_dates_and_flags(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "z.geojson",
        collection(
            feature([SQUARE], id="dmz", kind="DMZ", valid_from="2018-10-15", approximate="yes"),
            feature([[SQUARE]], "MultiPolygon", id="c", name="Corridor", kind="security corridor"),
        ),
    )
    load = read_zones(path)
    assert [z.id for z in load.zones] == ["dmz", "c"]
    assert load.zones[0].kind.value == "demilitarized_zone" and load.zones[0].approximate
    assert str(load.zones[0].valid_from) == "2018-10-15"
    assert load.zones[1].kind.value == "security_corridor" and load.notes == []


def test_self_intersection_is_repaired_and_said(tmp_path: Path) -> None:
    path = write(tmp_path, "z.geojson", collection(feature([BOWTIE], id="bow", kind="restricted")))
    load = read_zones(path)
    assert load.zones[0].wkt.startswith("MULTIPOLYGON")
    assert "make_valid" in load.zones[0].notes and "Self-intersection" in load.zones[0].notes
    assert load.notes and "feature 0 ('bow')" in load.notes[0]
    with pytest.raises(ValidationError, match=r"feature 0 \('bow'\): invalid polygon: Self-inter"):
        read_zones(path, on_invalid="raise")


@pytest.mark.parametrize(
    ("features", "words"),
    [
        ([feature([[[c[1], c[0]] for c in SQUARE]], id="s", kind="dmz")], "look swapped"),
        (
            [feature([[[c[0] + 10, c[1]] for c in SQUARE]], id="far", kind="dmz")],
            "outside the area",
        ),
        ([feature([SQUARE], kind="dmz")], "has no id"),
        (
            [feature([SQUARE], id="a", kind="dmz"), feature([SQUARE], id="a", kind="dmz")],
            "feature 1 ('a'): id 'a' is also used by feature 0",
        ),
        ([feature([SQUARE], id="a", kind="buffer")], "not a zone kind"),
        (
            [feature([36.6, 35.7], "Point", id="p", kind="dmz")],
            "Polygon or MultiPolygon, got Point",
        ),
        ([feature([[["x", 1]]], id="t", kind="dmz")], "arrays of numbers"),
        ([feature([[[36.6, 35.6], [36.7, 35.7]]], id="t", kind="dmz")], "not valid GeoJSON"),
        ([feature([SQUARE], id="d", kind="dmz", valid_from="soon")], "not a date"),
        (
            [feature([SQUARE], id="d", kind="dmz", valid_from="2020-01-01", valid_to="2019-01-01")],
            "valid_to is before valid_from",
        ),
    ],
)
def test_zone_errors_name_the_feature(tmp_path: Path, features: list[Any], words: str) -> None:
    path = write(tmp_path, "z.geojson", collection(*features))
    with pytest.raises(ValidationError) as err:
        read_zones(path)
    assert "z.geojson feature" in err.value.message and words in err.value.message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "z.geojson", '{"type": "FeatureCollection",\n "features": [}\n')
    with pytest.raises(ValidationError, match=r"not JSON: .* line 2 column"):
        read_zones(path)


def test_aoi_setting() -> None:
    assert aoi_from_setting("none").problem(np.array([10.0]), np.array([10.0])) is None
    box = aoi_from_setting("36,35,37,36")
    assert box.problem(np.array([36.5]), np.array([35.5])) is None
    assert box.problem(np.array([38.0]), np.array([35.5])) is not None
    with pytest.raises(ConfigError):
        aoi_from_setting("36,35,x,36")
    aoi = default_aoi()
    assert aoi.problem(np.array([36.63]), np.array([35.93])) is None  # Idlib
    assert "swapped" in str(aoi.problem(np.array([35.93]), np.array([36.63])))


HXL = """Facility,Type,Latitude,Longitude,Organisation,Governorate
#loc +name,#loc+type,#geo+lat,#geo+lon,#org+name,#adm1+name
Kafr Nabl hospital,Hospital,35.6169,36.5586,SAMS,Idlib
Atmeh camp,IDP camp,36.3178,36.6852,,Idlib
"""


def test_sites_from_hxl_csv(tmp_path: Path) -> None:
    load = read_sites(write(tmp_path, "s.csv", HXL))
    hospital, camp = load.sites
    assert hospital.kind.value == "hospital" and hospital.org == "SAMS"
    assert camp.kind.value == "idp_camp" and str(camp.lat) == "36.3178"
    assert hospital.id.startswith("kafr-nabl-hospital-") and len(load.notes) == 2
    again = read_sites(write(tmp_path, "s2.csv", HXL))
    assert [s.id for s in again.sites] == [s.id for s in load.sites]  # stable ids


def test_sites_from_plain_csv_and_geojson(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path, "s.csv", "id,name,kind,lat,lon,names\nh1,Clinic,hospital,35.6,36.6,A;B\n"
    )
    assert read_sites(csv_path).sites[0].names == ["A", "B"]
    geo = write(
        tmp_path,
        "s.geojson",
        collection(feature([36.6, 35.6], "Point", id="op1", name="Post", kind="observation_post")),
    )
    assert read_sites(geo).sites[0].kind.value == "observation_post"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "id,name,kind,lat,lon\nh1,Clinic,hospital,36.6,35.6\n",
            "line 2: the coordinates look swapped",
        ),
        (
            "id,name,kind,lat,lon\nh1,Clinic,hospital,35.6,36.6\nh2,X,clinic,35.6,36.6\n",
            "line 3: kind 'clinic' is not a site kind",
        ),
        ("id,name,kind,lat,lon\nh1,Clinic,hospital,north,36.6\n", "line 2: lat 'north' is not"),
        ("id,name,kind\nh1,Clinic,hospital\n", "line 1: the header needs latitude"),
        ("id,name,kind,lat,lon\nh1,,hospital,35.6,36.6\n", "line 2: no name"),
        (
            "id,name,kind,lat,lon\nh1,A,hospital,35.6,36.6\nh1,B,school,35.6,36.6\n",
            "line 3: id 'h1' is also used at s.csv line 2",
        ),
    ],
)
def test_site_errors_name_the_line(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        read_sites(write(tmp_path, "s.csv", text))
    assert f"s.csv {words}" in err.value.message


GPX = """<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="35.8600" lon="36.7690"><time>2020-03-15T09:00:00Z</time></trkpt>
<trkpt lat="35.8600" lon="36.7690"><time>2020-03-15T09:00:02Z</time></trkpt>
<trkpt lat="35.8650" lon="36.7400"><time>2020-03-15T09:05:00Z</time></trkpt>
<trkpt lat="35.8690" lon="36.7180"><time>2020-03-15T09:10:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def test_gpx_track_drops_jitter_and_sorts(tmp_path: Path) -> None:
    points = read_track(write(tmp_path, "t.gpx", GPX))
    assert len(points) == 3 and points[0].time.isoformat() == "2020-03-15T09:00:00+00:00"
    route = read_route(write(tmp_path, "t2.gpx", GPX))
    assert route.geom_type == "LineString"


def test_geojson_track_with_coord_times(tmp_path: Path) -> None:
    coords = [[36.769, 35.86], [36.74, 35.865]]
    path = write(
        tmp_path,
        "t.geojson",
        collection(
            feature(
                coords, "LineString", coordTimes=["2020-03-15T09:00:00Z", "2020-03-15T09:05:00Z"]
            )
        ),
    )
    assert [p.lon for p in read_track(path)] == [36.769, 36.74]
    bad = write(tmp_path, "b.geojson", collection(feature(coords, "LineString")))
    with pytest.raises(ValidationError, match="feature 0: a track LineString needs 'coordTimes'"):
        read_track(bad)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GPX.replace("<time>2020-03-15T09:05:00Z</time>", ""), "trkpt 2: a track point needs"),
        (GPX.replace('lat="35.8650"', 'lat="north"'), "numeric lat and lon"),
        (GPX.replace("</trkseg>", ""), "not XML"),
        ('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx/>', "DOCTYPE"),
        (GPX.replace("09:05:00Z", "09:05:00"), "no UTC offset"),
    ],
)
def test_track_errors(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        read_track(write(tmp_path, "t.gpx", text))


def test_long_tracks_are_split_into_ledger_sized_parts(tmp_path: Path) -> None:
    lines = [
        f'<trkpt lat="{35.80 + i * 1e-5:.6f}" lon="36.6"><time>2020-03-15T{9 + i // 3600:02d}:'
        f"{i // 60 % 60:02d}:{i % 60:02d}Z</time></trkpt>"
        for i in range(0, 3200 * 10, 10)
    ]
    gpx = GPX.split("<trkseg>")[0] + "<trkseg>" + "\n".join(lines) + "</trkseg></trk></gpx>"
    points = read_track(write(tmp_path, "long.gpx", gpx))
    parts = track_parts("p1", points)
    assert len(points) == 3200 and len(parts) == 3
    assert all(len(p.points) <= MAX_TRACK_POINTS for p in parts)
    assert [p.part for p in parts] == [1, 2, 3] and {p.parts for p in parts} == {3}
    # Consecutive parts share their boundary point, so no segment is lost.
    assert sum(len(p.points) for p in parts) == 3200 + 2
    assert max(len(json.dumps(p.to_body())) for p in parts) < 60_000
