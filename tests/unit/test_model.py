import json
from decimal import Decimal
from pathlib import Path

import pydantic
import pytest

from truce.model import Location, Report, Zone
from truce.model.schema import schema_text

REPO = Path(__file__).resolve().parents[2]


def test_report_schema_in_docs_is_current() -> None:
    committed = (REPO / "docs" / "report.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: python -m truce.model.schema"


def test_schema_accepts_the_demo_reports() -> None:
    import jsonschema

    schema = json.loads(schema_text())
    demo = json.loads((REPO / "src/truce/demo/reports.json").read_text(encoding="utf-8"))
    for item in demo:
        jsonschema.validate(item["report"], schema)


def test_report_body_has_no_floats_and_keeps_digits(sample_report: dict) -> None:
    sample_report["locations"][0]["point"] = {"lat": 35.123456789, "lon": "36.1", "error_m": 5}
    body = Report.model_validate(sample_report).to_body()
    point = body["locations"][0]["point"]
    assert point == {"lat": "35.1234568", "lon": "36.1", "error_m": 5}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("sub_event_type",), "Armed clash", "is not a sub-event type"),
        (("date",), {"start": "2019-03-05", "end": "2019-03-01"}, "before start"),
        (("locations", 0, "point", "lat"), 95, "between -90 and 90"),
        (("casualties", 0, "best"), 1, "below low"),
        (("sources", 0, "reliability"), "G", "'A', 'B'"),
        (("sources",), [], "at least 1"),
        (("unknown_field",), 1, "Extra inputs"),
    ],
)
def test_invalid_reports_name_the_problem(
    sample_report: dict, path: tuple, value: object, message: str
) -> None:
    target = sample_report
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(pydantic.ValidationError, match=message):
        Report.model_validate(sample_report)


def test_text_is_normalised_to_nfc(sample_report: dict) -> None:
    sample_report["title"] = "Ma\u0300arrat"  # combining grave accent
    assert Report.model_validate(sample_report).title == "Mà" + "arrat"


def test_location_needs_somewhere() -> None:
    with pytest.raises(pydantic.ValidationError, match="needs a point"):
        Location()
    assert Location(area="SY0703").area == "SY0703"


def test_zone_geometry_is_checked() -> None:
    with pytest.raises(pydantic.ValidationError, match="Polygon"):
        Zone(id="z", name="z", kind="sector", wkt="POINT (36 35)")
    with pytest.raises(pydantic.ValidationError, match="not valid WKT"):
        Zone(id="z", name="z", kind="sector", wkt="POLYGON ((36 35")
    z = Zone(id="z", name="z", kind="sector", wkt="POLYGON ((36 35, 37 35, 37 36, 36 35))")
    assert z.to_body()["kind"] == "sector"


def test_decimal_coordinates_round_trip() -> None:
    loc = Location(point={"lat": "35.37615", "lon": Decimal("36.68970")})
    assert loc.point is not None and loc.point.lon == Decimal("36.6897")
