"""Exports of the fixed sample scenario: golden files, and each format checked by its own rules
(libhxl for HXL, the CoT 2.0 event schema's constraints, RFC 7946 for GeoJSON, PLOVER fields)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from truce.config import Settings
from truce.node import Node
from truce.report import EventFilter, run_export
from truce.report.formats.acled import COLUMNS
from truce.report.golden import GOLDEN_DIR, golden_outputs
from truce.report.sample import build_sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    home = tmp_path_factory.mktemp("sample") / "home"
    with build_sample(Settings(home=home)) as node:
        yield node


def export(node: Node, name: str, **kwargs: object) -> str:
    buffer = io.StringIO()
    run_export(node, name, buffer, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_outputs_match_the_golden_files(sample: Node) -> None:
    outputs = golden_outputs(sample)
    assert set(outputs) == {p.name for p in GOLDEN_DIR.iterdir()}
    for name, content in outputs.items():
        expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
        assert content == expected, f"{name} differs; run python -m truce.report.golden"


def test_acled_columns_and_codes(sample: Node) -> None:
    rows = list(csv.DictReader(io.StringIO(export(sample, "acled"))))
    assert rows and list(rows[0]) == list(COLUMNS)
    by_id = {r["event_id_cnty"]: r for r in rows}
    strike = by_id["SYR10000009"]
    assert strike["interaction"] == "17"  # state forces (1) against civilians (7), lower first
    assert strike["assoc_actor_1"] == "Military Forces of Russia (2000-)"  # ACLED's dated form
    assert strike["civilian_targeting"] == "Civilian targeting"
    assert strike["fatalities"] == "4"  # the lowest figure of 4-7
    patrol = by_id["SYR10000011"]
    assert patrol["sub_event_type"] == "Other"
    assert patrol["notes"].startswith("truce sub-event type: Patrol.")
    assert patrol["disorder_type"] == "Strategic developments"
    assert patrol["interaction"] == "80"  # one actor: its code then 0
    clash = by_id["SYR10000010"]
    assert (clash["inter1"], clash["inter2"], clash["interaction"]) == ("1", "2", "12")
    assert all(r["iso"] == "760" and r["country"] == "Syria" for r in rows)
    # ACLED's id form (ISO3 + number), one per event, truce's own id beside it
    assert all(re.fullmatch(r"SYR\d+", r["event_id_cnty"]) for r in rows)
    assert len({r["event_id_cnty"] for r in rows}) == len(rows)
    assert (strike["truce_id"], patrol["truce_id"]) == ("I-9", "I-11")
    # source_scale from the sources' kinds: an NGO (Other) and a witness (Local partner)
    assert strike["source_scale"] == "Local partner-Other"
    assert patrol["source_scale"] == "Local partner"  # the center's own monitors
    assert clash["source_scale"] == "National"  # an outlet of unknown reach


def test_hxl_parses_with_libhxl(sample: Node, tmp_path: Path) -> None:
    hxl = pytest.importorskip("hxl")
    path = tmp_path / "events.csv"
    path.write_text(export(sample, "hxl"), encoding="utf-8")
    with hxl.data(str(path), hxl.InputOptions(allow_local=True)) as source:
        tags = [c.display_tag for c in source.columns]
        rows = list(source)
    assert tags[:3] == ["#event+id", "#event+type", "#event+type+sub"]
    assert "#geo+lat" in tags and "#affected+killed+min" in tags and "#adm1+code" in tags
    assert len(rows) == 7
    strike = next(r for r in rows if r.get("#event+id") == "I-9")
    assert strike.get("#affected+killed+min") == "4"
    assert strike.get("#affected+killed+max") == "7"
    assert strike.get("#adm1+name") == "Idleb"  # OCHA's spelling, and its P-code for joins
    assert (strike.get("#adm1+code"), strike.get("#adm3+code")) == ("SY07", "SY070203")
    assert float(strike.get("#geo+lat")) == pytest.approx(35.614)


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def _check_cot_event(event: ET.Element) -> None:
    """What the CoT 2.0 event schema (MITRE Event.xsd) requires of an event."""
    assert event.tag == "event"
    assert Decimal(event.attrib["version"]) >= 2
    assert re.fullmatch(r"\w+(-\w+)*(;[^;]*)?", event.attrib["type"])
    assert re.fullmatch(r"\w(-\w+)*", event.attrib["how"])
    assert event.attrib["uid"]
    for name in ("time", "start", "stale"):
        assert _DATETIME.match(event.attrib[name]), name
    start = datetime.fromisoformat(event.attrib["start"].replace("Z", "+00:00"))
    stale = datetime.fromisoformat(event.attrib["stale"].replace("Z", "+00:00"))
    assert start < stale
    points = event.findall("point")
    assert len(points) == 1  # xs:all: exactly one point, at most one detail
    assert len(event.findall("detail")) <= 1
    assert {c.tag for c in event} <= {"point", "detail"}
    point = points[0].attrib
    assert -90 <= Decimal(point["lat"]) <= 90 and -180 <= Decimal(point["lon"]) <= 180
    for name in ("hae", "ce", "le"):
        Decimal(point[name])  # xs:decimal, required


def test_cot_events_satisfy_the_event_schema(sample: Node) -> None:
    from truce.report.formats.cot import split_documents

    text = export(sample, "cot")
    documents = split_documents(text)
    assert len(documents) == 7 == len(text.splitlines())  # one standalone document per line
    events = [ET.fromstring(doc.encode()) for doc in documents]
    for event in events:
        _check_cot_event(event)
    by_id = {e.find("detail/contact").attrib["callsign"]: e for e in events}  # type: ignore[union-attr]
    assert by_id["I-11"].attrib["type"] == "a-n-X-i-o"  # the joint patrol: neutral
    assert by_id["I-9"].attrib["type"] == "a-u-X-i-o"
    assert by_id["I-9"].find("point").attrib["ce"] == "1000"  # type: ignore[union-attr]
    assert by_id["I-9"].find("point").attrib["hae"] == "9999999"  # type: ignore[union-attr]


def test_cot_places_an_area_only_event_at_its_area(sample: Node) -> None:
    buffer = io.StringIO()
    result, _ = run_export(sample, "cot", buffer)
    assert result.left_out == []
    from truce.report.formats.cot import split_documents

    [area] = [d for d in split_documents(buffer.getvalue()) if 'callsign="I-12"' in d]
    event = ET.fromstring(area.encode())
    assert event.find("point").attrib["ce"] == "50000"  # type: ignore[union-attr]
    assert event.find("detail/truce").attrib["precision"] == "area"  # type: ignore[union-attr]


def test_geojson_follows_rfc_7946(sample: Node) -> None:
    data = json.loads(export(sample, "geojson"))
    assert data["type"] == "FeatureCollection"
    assert data["truce"]["size"] == sample.ledger.size
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], str)
        geometry = feature["geometry"]
        if geometry is None:  # unlocated: known only by its area
            assert feature["properties"]["area"] == "southern Idlib countryside"
            continue
        lon, lat = geometry["coordinates"]
        assert geometry["type"] == "Point" and 35 < lon < 38 and 34 < lat < 37  # lon first
    strike = next(f for f in data["features"] if f["id"] == "I-9")
    killed = next(c for c in strike["properties"]["casualties"] if c["kind"] == "killed")
    assert (killed["low"], killed["best"], killed["high"]) == (4, 5, 7)


def test_plover_records(sample: Node) -> None:
    records = [json.loads(line) for line in export(sample, "plover").splitlines()]
    fields = {
        "id",
        "date",
        "enddate",
        "actor",
        "recipient",
        "event",
        "mode",
        "context",
        "event_loc",
        "text",
        "coder",
    }
    for record in records:
        assert fields <= set(record)
    by_id = {r["id"]: r for r in records}
    assert (by_id["I-9"]["event"], by_id["I-9"]["mode"]) == (["ASSAULT"], ["aerial"])
    assert by_id["I-9"]["context"] == ["military"]  # Syrian and Russian armed forces
    assert by_id["I-8"]["mode"] == ["heavy-weapons"]
    assert by_id["I-8"]["context"] is None  # HTS is no state military: not "military"
    assert by_id["I-8"]["actor"] == [{"entity_text": "Hay'at Tahrir al-Sham", "acled_inter": 2}]
    assert by_id["I-10"]["mode"] is None  # an armed clash: no mode, null not ""
    patrol = by_id["I-11"]
    assert (patrol["event"], patrol["context"]) == (["COOPERATE"], ["military", "peacekeeping"])
    assert [e["entity_text"] for e in patrol["recipient"]] == ["Military Forces of Turkey"]
    assert by_id["I-9"]["event_loc"]["province"] == "Idleb"
    assert "I-14" not in by_id  # "Change to group/activity" has no PLOVER category


def test_filters_and_units(sample: Node) -> None:
    from datetime import date

    day = EventFilter(start=date(2019, 3, 13), end=date(2019, 3, 13))
    rows = list(csv.DictReader(io.StringIO(export(sample, "acled", flt=day))))
    assert sorted(r["event_id_cnty"] for r in rows) == [
        "SYR10000011",
        "SYR10000012",
        "SYR10000013",
        "SYR10000014",
    ]
    inside = EventFilter(zone="dmz")
    rows = list(csv.DictReader(io.StringIO(export(sample, "acled", flt=inside))))
    assert sorted(r["event_id_cnty"] for r in rows) == ["SYR10000009", "SYR10000010", "SYR10000013"]
    reports = list(csv.DictReader(io.StringIO(export(sample, "acled", unit="reports"))))
    assert [r["event_id_cnty"] for r in reports][:2] == ["SYR20000008", "SYR20000009"]


def test_an_earlier_checkpoint_size_exports_the_log_as_it_was(sample: Node) -> None:
    size = 10  # parties, zone, sites, agreement and the first two reports
    rows = list(csv.DictReader(io.StringIO(export(sample, "acled", size=size))))
    assert [r["event_id_cnty"] for r in rows] == ["SYR10000008", "SYR10000009"]
    geo = json.loads(export(sample, "geojson", size=size))
    assert geo["truce"]["size"] == size
    assert geo["truce"]["root"] != json.loads(export(sample, "geojson"))["truce"]["root"]


def test_an_unknown_format_names_the_known_ones(sample: Node) -> None:
    from truce.errors import NotFoundError

    with pytest.raises(NotFoundError) as info:
        export(sample, "shapefile")
    assert "acled" in (info.value.hint or "")


def test_golden_directory_is_where_the_regenerator_writes() -> None:
    assert Path(__file__).resolve().parents[1] / "data" / "exports" == GOLDEN_DIR


def test_docs_show_the_current_samples() -> None:
    docs = (GOLDEN_DIR.parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    for golden in GOLDEN_DIR.iterdir():
        first = golden.read_text(encoding="utf-8").splitlines()[0][:400]
        assert f"<!-- sample:{golden.name} -->\n```\n{first}" in docs, golden.name
