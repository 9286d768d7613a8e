"""Every export checked by a strict validator of its format, on the sample, the demo and a
10,000-incident synthetic export, and every importable export imported back with nothing refused.

- PLOVER: a JSON Schema written from the PLOVER manual
  (tests/data/schemas/plover-event.schema.json), checked with the ``jsonschema`` package
  (draft 2020-12, formats asserted);
- GeoJSON: RFC 7946 checked strictly here (:func:`check_rfc7946`): structure, no ``crs``, positions
  in range with at most six decimals, closed rings of four or more positions, the right-hand rule
  (exterior rings counter-clockwise, holes clockwise), bbox when present;
- HXL: libhxl's ``hxlvalidate`` command, with its core schema and with a schema for truce's
  incident columns (tests/data/schemas/incidents-hxl-schema.csv);
- CoT: each document validated with lxml against an XSD of the CoT 2.0 event base schema
  (tests/data/cot/event.xsd).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from truce.config import Settings
from truce.demo import build_demo
from truce.node import Node
from truce.report import run_export, run_import
from truce.report.formats.cot import split_documents
from truce.report.registry import ExportContext, get_format
from truce.report.sample import build_sample
from truce.report.synthetic import synthetic_events, synthetic_state

DATA = Path(__file__).resolve().parents[1] / "data"
PLOVER_SCHEMA = json.loads((DATA / "schemas" / "plover-event.schema.json").read_text("utf-8"))
COT_XSD = etree.XMLSchema(etree.parse(str(DATA / "cot" / "event.xsd")))
HXL_SCHEMA = DATA / "schemas" / "incidents-hxl-schema.csv"
EVENT_FORMATS = ("acled", "geojson", "hxl", "cot", "plover")
SYNTHETIC_N = 10_000


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with build_sample(Settings(home=tmp_path_factory.mktemp("sample") / "home")) as node:
        yield node


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    settings = Settings(home=tmp_path_factory.mktemp("demo") / "home")
    build_demo(settings)
    with Node.open(settings) as node:
        yield node


@pytest.fixture(scope="module")
def synthetic() -> dict[str, str]:
    """Each event format's export of 10,000 synthetic incidents."""
    out = {}
    for name in EVENT_FORMATS:
        buffer = io.StringIO()
        result = get_format(name).export(  # type: ignore[misc]
            synthetic_events(SYNTHETIC_N), buffer, ExportContext(synthetic_state())
        )
        assert result.written + result.left_out_count == SYNTHETIC_N
        out[name] = buffer.getvalue()
    return out


def _exports(node: Node, *names: str) -> dict[str, str]:
    out = {}
    for name in names:
        buffer = io.StringIO()
        run_export(node, name, buffer)
        out[name] = buffer.getvalue()
    return out


@pytest.fixture(params=["sample", "demo", "synthetic"])
def exports(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "synthetic":
        return dict(request.getfixturevalue("synthetic"))
    node = request.getfixturevalue(request.param)
    return _exports(node, *EVENT_FORMATS, "zones", "sites")


# -- PLOVER ------------------------------------------------------------------------------------
def test_plover_schema_is_a_valid_schema_and_refuses_what_the_manual_refuses() -> None:
    jsonschema.Draft202012Validator.check_schema(PLOVER_SCHEMA)
    validator = jsonschema.Draft202012Validator(PLOVER_SCHEMA)
    good = {"id": "x", "date": "2020-05-09", "actor": [{"code": "USA"}], "event": ["CONSULT"]}
    assert validator.is_valid(good)
    for bad in (
        {**good, "actor": "USA"},  # a string, not a list of entities
        {**good, "event": "CONSULT"},
        {**good, "event": ["ASSAULT"], "mode": ["demo"]},  # a PROTEST mode
        {**good, "event": ["COERCE"], "mode": ["abduct"]},  # an ASSAULT mode
        {**good, "event": ["ASSAULT"], "mode": ["CBRN"]},
        {**good, "event": ["COOPERATE"]},  # requires a recipient
        {**good, "context": ["militarily"]},
        {**good, "mode": ""},
        {**good, "text": ""},  # null, not an empty string
        {**good, "date": "9-May-20"},
    ):
        assert not validator.is_valid(bad), bad


def test_every_plover_record_validates(exports: dict[str, str]) -> None:
    validator = jsonschema.Draft202012Validator(
        PLOVER_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    lines = exports["plover"].splitlines()
    assert lines
    for line in lines:
        record = json.loads(line)
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (record["id"], errors)
        if "military" in (record["context"] or []):  # the manual: official state militaries only
            names = [e["entity_text"] for e in record["actor"] + (record["recipient"] or [])]
            assert any(n.startswith("Military Forces of") for n in names), record


# -- GeoJSON (RFC 7946) ------------------------------------------------------------------------
def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in pairwise(ring)) / 2


def _check_position(p: Any, where: str) -> None:
    assert isinstance(p, list) and len(p) in (2, 3), where
    assert all(isinstance(c, int | float) and not isinstance(c, bool) for c in p), where
    lon, lat = p[0], p[1]
    assert -180 <= lon <= 180 and -90 <= lat <= 90, f"{where}: {p} out of range (lon, lat)"
    for c in p:  # section 11.2: six decimals are about 10 cm
        assert -Decimal(str(c)).as_tuple().exponent <= 6, f"{where}: {c} has over 6 decimals"


def _check_polygon(rings: Any, where: str) -> None:
    assert isinstance(rings, list) and rings, where
    for i, ring in enumerate(rings):
        assert len(ring) >= 4 and ring[0] == ring[-1], f"{where}: ring {i} not a closed ring"
        for p in ring:
            _check_position(p, where)
        area = _signed_area(ring)
        if i == 0:
            assert area > 0, f"{where}: exterior ring is clockwise (RFC 7946 3.1.6)"
        else:
            assert area < 0, f"{where}: hole {i} is counter-clockwise (RFC 7946 3.1.6)"


def _positions(geometry: dict[str, Any]) -> list[list[float]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2}
    flat = [coords]
    for _ in range(depth.get(kind, 3)):
        flat = [p for part in flat for p in part]
    return flat


def check_geometry(geometry: Any, where: str) -> None:
    if geometry is None:
        return  # an unlocated feature (section 3.2)
    assert "crs" not in geometry, f"{where}: crs member (removed by RFC 7946)"
    kind = geometry["type"]
    if kind == "GeometryCollection":
        for g in geometry["geometries"]:
            check_geometry(g, where)
        return
    coords = geometry["coordinates"]
    if kind == "Point":
        _check_position(coords, where)
    elif kind in ("MultiPoint", "LineString"):
        assert kind == "MultiPoint" or len(coords) >= 2, where
        for p in coords:
            _check_position(p, where)
    elif kind == "MultiLineString":
        for line in coords:
            assert len(line) >= 2, where
            for p in line:
                _check_position(p, where)
    elif kind == "Polygon":
        _check_polygon(coords, where)
    elif kind == "MultiPolygon":
        for polygon in coords:
            _check_polygon(polygon, where)
    else:
        raise AssertionError(f"{where}: {kind!r} is not an RFC 7946 geometry type")
    if "bbox" in geometry:
        _check_bbox(geometry["bbox"], _positions(geometry), where)


def _check_bbox(bbox: Any, positions: list[list[float]], where: str) -> None:
    assert isinstance(bbox, list) and len(bbox) in (4, 6), where
    half = len(bbox) // 2
    for axis in range(half):
        values = [p[axis] for p in positions]
        assert bbox[axis] <= min(values) and max(values) <= bbox[axis + half], where


def check_rfc7946(text: str) -> dict[str, Any]:
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and isinstance(data["features"], list)
    assert "crs" not in data, "crs member (RFC 7946 section 4)"
    for key in ("geometry", "properties", "coordinates", "geometries"):
        assert key not in data, f"{key} on a FeatureCollection (section 7.1)"
    ids = set()
    for n, feature in enumerate(data["features"]):
        where = f"feature {n}"
        assert feature["type"] == "Feature", where
        assert "geometry" in feature and "properties" in feature, where  # section 3.2: required
        assert feature["properties"] is None or isinstance(feature["properties"], dict), where
        if "id" in feature:
            assert isinstance(feature["id"], str | int | float), where
            assert feature["id"] not in ids, f"{where}: id {feature['id']} twice"
            ids.add(feature["id"])
        assert "crs" not in feature, where
        check_geometry(feature["geometry"], where)
    if "bbox" in data:
        positions = [
            p for f in data["features"] if f["geometry"] for p in _positions(f["geometry"])
        ]
        _check_bbox(data["bbox"], positions, "collection")
    return data


def test_the_rfc7946_checker_refuses_a_clockwise_ring_and_long_decimals() -> None:
    ring = [[36.0, 35.0], [36.0, 35.1], [36.1, 35.1], [36.1, 35.0], [36.0, 35.0]]  # clockwise
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon"}}
    for geometry in (
        {"type": "Polygon", "coordinates": [ring]},
        {"type": "Point", "coordinates": [36.1234567, 35.0]},
        {"type": "Point", "coordinates": [35.0, 96.0]},
    ):
        text = json.dumps(
            {"type": "FeatureCollection", "features": [{**feature, "geometry": geometry}]}
        )
        with pytest.raises(AssertionError):
            check_rfc7946(text)
    ccw = {"type": "Polygon", "coordinates": [ring[::-1]]}
    check_rfc7946(
        json.dumps({"type": "FeatureCollection", "features": [{**feature, "geometry": ccw}]})
    )


def test_every_geojson_export_follows_rfc_7946(exports: dict[str, str]) -> None:
    data = check_rfc7946(exports["geojson"])
    assert data["features"]
    for name in ("zones", "sites"):
        if name in exports:
            check_rfc7946(exports[name])


def test_a_clockwise_zone_is_exported_counter_clockwise(demo: Node, tmp_path: Path) -> None:
    ring = [[36.5, 35.5], [36.5, 35.6], [36.6, 35.6], [36.6, 35.5], [36.5, 35.5]]
    assert _signed_area(ring) < 0  # as drawn: clockwise
    feature = {
        "type": "Feature",
        "properties": {"id": "cw-test", "name": "Drawn clockwise", "kind": "sector"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path = tmp_path / "cw.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with build_sample(Settings(home=tmp_path / "cw-home")) as node:
        run_import(node, "zones", path, author="monitors")
        data = check_rfc7946(_exports(node, "zones")["zones"])
    [zone] = [f for f in data["features"] if f["id"] == "cw-test"]
    assert _signed_area(zone["geometry"]["coordinates"][0]) > 0


# -- HXL ---------------------------------------------------------------------------------------
def _hxlvalidate(path: Path, *schema: str) -> subprocess.CompletedProcess[str]:
    script = shutil.which("hxlvalidate", path=str(Path(sys.executable).parent))
    assert script, "libhxl's hxlvalidate is installed with the dev dependencies"
    return subprocess.run(
        [script, *schema, "-e", "info", str(path)], capture_output=True, text=True, check=False
    )


def test_every_hxl_export_passes_hxlvalidate(exports: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(exports["hxl"], encoding="utf-8")
    for schema in ((), ("-s", str(HXL_SCHEMA))):
        done = _hxlvalidate(path, *schema)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 error(s), 0 warnings" in done.stdout, done.stdout


def test_hxlvalidate_with_the_schema_refuses_a_bad_p_code(sample: Node, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(_exports(sample, "hxl")["hxl"].replace(",SY07,", ",Idlib,"), "utf-8")
    done = _hxlvalidate(path, "-s", str(HXL_SCHEMA))
    assert done.returncode != 0 and "#adm1+code" in done.stdout


def test_hxl_names_each_column_once(exports: dict[str, str]) -> None:
    hashtags = exports["hxl"].splitlines()[1].split(",")
    normal = ["+".join([t.split("+")[0], *sorted(t.split("+")[1:])]) for t in hashtags]
    assert len(set(normal)) == len(normal)
    # no attribute set is a subset of another's of the same tag (an HXL query for
    # #affected+killed would match both the low and the high column)
    for a in normal:
        for b in normal:
            if a != b and a.split("+")[0] == b.split("+")[0]:
                assert not set(a.split("+")) < set(b.split("+")) or a.startswith(
                    ("#event", "#date", "#adm", "#loc", "#group", "#geo")
                ), (a, b)


# -- CoT ---------------------------------------------------------------------------------------
def test_every_cot_document_validates_against_the_event_xsd(exports: dict[str, str]) -> None:
    text = exports["cot"]
    documents = split_documents(text)
    assert documents and len(documents) == len(text.splitlines())
    for document in documents:
        assert document.startswith("<?xml ")  # standalone: a file a TAK client imports
        root = etree.fromstring(document.encode("utf-8"))
        assert COT_XSD.validate(root), (document[:200], COT_XSD.error_log)


def test_the_cot_xsd_refuses_what_the_schema_refuses(sample: Node) -> None:
    document = split_documents(_exports(sample, "cot")["cot"])[0]
    assert COT_XSD.validate(etree.fromstring(document.encode()))
    for old, new in (
        (' hae="9999999"', ""),  # a required point attribute
        ('version="2.0"', 'version="1.1"'),
        ('how="h-t"', 'how=""'),
        ('Z" stale=', '" stale='),  # a time without its zone
    ):
        changed = document.replace(old, new, 1)
        assert changed != document, old
        assert not COT_XSD.validate(etree.fromstring(changed.encode())), old


# -- round trips: truce re-imports its own exports -------------------------------------------
@pytest.mark.parametrize("unit", ["incidents", "reports"])
@pytest.mark.parametrize("source", ["sample", "demo"])
def test_every_acled_export_re_imports_with_nothing_refused(
    source: str, unit: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    node = request.getfixturevalue(source)
    buffer = io.StringIO()
    result, _ = run_export(node, "acled", buffer, unit=unit)
    assert not result.left_out
    path = tmp_path / "acled.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    with Node.init(Settings(home=tmp_path / "fresh")) as fresh:
        outcome = run_import(fresh, "acled", path)  # --on-invalid raise: one bad row stops it
        assert not outcome.problems and outcome.skipped == 0
        assert len(outcome.imported) == len(rows) == result.written
        again = io.StringIO()
        run_export(fresh, "acled", again, unit="reports")
    back = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(again.getvalue()))}
    for row in rows:
        copy = back[row["event_id_cnty"]]
        for column in ("event_date", "sub_event_type", "actor1", "inter1", "inter2",
                       "interaction", "admin1", "latitude", "longitude", "fatalities"):  # fmt: skip
            assert copy[column] == row[column], (row["event_id_cnty"], column)


def test_a_synthetic_acled_export_re_imports_with_nothing_refused(
    synthetic: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "synthetic.csv"
    path.write_text(synthetic["acled"], encoding="utf-8")
    with Node.init(Settings(home=tmp_path / "fresh")) as fresh:
        outcome = run_import(fresh, "acled", path)
    assert not outcome.problems
    assert len(outcome.imported) == outcome.rows == SYNTHETIC_N


@pytest.mark.parametrize("name", ["sites", "sites-hxl", "zones"])
def test_the_demo_sites_and_zones_re_import_with_nothing_refused(
    demo: Node, name: str, tmp_path: Path
) -> None:
    text = _exports(demo, name)[name]
    path = tmp_path / f"{name}.{'csv' if name.endswith('hxl') else 'geojson'}"
    path.write_text(text, encoding="utf-8")
    with Node.init(Settings(home=tmp_path / "fresh")) as fresh:
        fresh.add_party("monitors", "Monitors")
        outcome = run_import(fresh, name, path, author="monitors")
        assert not outcome.problems and outcome.imported
        assert _exports(fresh, name)[name] == text


# -- UCDP GED and KML --------------------------------------------------------------------------
@pytest.fixture(params=["sample", "demo", "synthetic"])
def more_exports(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "synthetic":
        out = {}
        for name in ("ucdp", "kml"):
            buffer = io.StringIO()
            get_format(name).export(  # type: ignore[misc]
                synthetic_events(SYNTHETIC_N), buffer, ExportContext(synthetic_state())
            )
            out[name] = buffer.getvalue()
        return out
    return _exports(request.getfixturevalue(request.param), "ucdp", "kml")


def test_every_ucdp_row_follows_the_ged_codebook(more_exports: dict[str, str]) -> None:
    from truce.report.formats.ucdp import COLUMNS

    rows = list(csv.DictReader(io.StringIO(more_exports["ucdp"])))
    assert rows and list(rows[0]) == list(COLUMNS)
    for row in rows:
        where = row["id"]
        assert row["type_of_violence"] in ("1", "2", "3"), where
        assert row["where_prec"] in tuple("1234567") and row["date_prec"] in tuple("12345")
        assert row["date_start"] <= row["date_end"] and row["year"] == row["date_start"][:4]
        low = int(row["low"])
        assert low >= 1, where  # GED lists events with at least one death
        if row["best"]:
            assert low <= int(row["best"]), where
            parts = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
            assert sum(int(row[c]) for c in parts) == int(row["best"]), where
        if row["high"]:
            assert int(row["high"]) >= int(row["best"] or low), where
        lat, lon = float(row["latitude"]), float(row["longitude"])
        assert 32 < lat < 38 and 35 < lon < 43, where  # in Syria
        assert row["geom_wkt"] == f"POINT ({row['longitude']} {row['latitude']})"


def test_every_kml_placemark_is_well_formed(more_exports: dict[str, str]) -> None:
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = etree.fromstring(more_exports["kml"].encode("utf-8"))
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    [document] = root.findall("k:Document", ns)
    marks = document.findall("k:Placemark", ns)
    assert marks
    assert len({m.get("id") for m in marks}) == len(marks)
    for mark in marks:
        assert [c.tag.split("}")[1] for c in mark] == [
            "name", "description", "TimeSpan", "ExtendedData", "Point"
        ]  # fmt: skip  # KML 2.2's order for Feature and Placemark elements
        begin = mark.findtext("k:TimeSpan/k:begin", namespaces=ns)
        end = mark.findtext("k:TimeSpan/k:end", namespaces=ns)
        assert begin and end and begin <= end
        text = mark.findtext("k:Point/k:coordinates", namespaces=ns) or ""
        lon, lat = (float(c) for c in text.split(","))
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and 35 < lon < 43  # lon first
