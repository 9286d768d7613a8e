"""Imports: ACLED CSV (round trip, bad rows, the --on-invalid policy, re-import) and sites and
zones (round trip through their exports)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from truce.config import Settings
from truce.node import Node
from truce.report import ImportRejected, run_export, run_import
from truce.report.formats.acled import COLUMNS
from truce.report.sample import build_sample

ACLED_ROWS = [
    {
        "event_id_cnty": "SYR100001",
        "event_date": "2019-03-12",
        "year": "2019",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of Russia (2000-)",
        "assoc_actor_1": "Military Forces of Syria (2000-)",
        "inter1": "8",
        "actor2": "Civilians (Syria)",
        "assoc_actor_2": "Health Workers (Syria); Farmers (Syria)",
        "inter2": "7",
        "interaction": "78",
        "civilian_targeting": "Civilian targeting",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Idleb",
        "admin2": "Maarrat An-Numan",
        "admin3": "Kafr Nobol",
        "location": "Kafr Nobol",
        "latitude": "35.6131",
        "longitude": "36.5610",
        "geo_precision": "1",
        "source": "SOHR; Syria Civil Defence",
        "source_scale": "National-International",
        "notes": "On 12 March 2019, illustrative test row: strike on a hospital. 3 killed.",
        "fatalities": "3",
        "tags": "illustrative",
        "timestamp": "1552900000",
    },
    {
        "event_id_cnty": "SYR100002",
        "event_date": "2019-03-10",
        "year": "2019",
        "time_precision": "2",
        "disorder_type": "Strategic developments",
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "actor1": "Military Forces of Turkey (2016-)",
        "assoc_actor_1": "",
        "inter1": "8",
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "0",
        "interaction": "80",
        "civilian_targeting": "",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Idleb",
        "admin2": "",  # empty: export fills it from the OCHA boundaries
        "admin3": "",
        "location": "Saraqib",
        "latitude": "35.862",
        "longitude": "36.806",
        "geo_precision": "2",
        "source": "Turkish Ministry of National Defence",
        "source_scale": "",
        "notes": "truce sub-event type: Patrol. Illustrative test row.",
        "fatalities": "0",
        "tags": "",
        "timestamp": "1552800000",
    },
]


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    with build_sample(Settings(home=tmp_path / "home")) as n:
        yield n


def acled_reports(node: Node) -> list[dict[str, str]]:
    buffer = io.StringIO()
    run_export(node, "acled", buffer, unit="reports")
    return list(csv.DictReader(io.StringIO(buffer.getvalue())))


def test_acled_round_trip_keeps_every_column(node: Node, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "acled.csv", ACLED_ROWS)
    before = node.ledger.size
    outcome = run_import(node, "acled", path, author="ingest")
    assert [label for label, _ in outcome.imported] == ["SYR100001", "SYR100002"]
    assert node.ledger.size == before + 2
    exported = {r["event_id_cnty"]: r for r in acled_reports(node)}
    for original in ACLED_ROWS:
        row = exported[original["event_id_cnty"]]
        for column in COLUMNS:
            if column in ("latitude", "longitude"):
                assert Decimal(row[column]) == Decimal(original[column]), column
            elif column in ("admin2", "admin3") and not original[column]:
                assert row[column] == {"admin2": "Idleb", "admin3": "Saraqab"}[column]
            elif column == "source_scale" and not original[column]:
                assert row[column] == "National"  # derived: an official's statement
            elif column == "truce_id":
                assert re.fullmatch(r"R-\d+", row[column]), row[column]
            else:
                assert row[column] == original.get(column, ""), column


def test_source_scale_is_acleds_vocabulary_and_incidents_combine_it(
    node: Node, tmp_path: Path
) -> None:
    bad = {**ACLED_ROWS[0], "event_id_cnty": "SYR7", "source_scale": "Worldwide"}
    with pytest.raises(ImportRejected) as info:
        run_import(node, "acled", write_csv(tmp_path / "bad.csv", [bad]), author="ingest")
    [problem] = info.value.problems
    assert problem.field == "source_scale" and "'Worldwide'" in problem.reason
    # the older codebook's "Local" is read as today's "Local partner", and kept as written
    local = {**ACLED_ROWS[1], "source_scale": "Local-National"}
    path = write_csv(tmp_path / "acled.csv", [ACLED_ROWS[0], local])
    run_import(node, "acled", path, author="ingest")
    reports = {r["event_id_cnty"]: r for r in acled_reports(node)}
    assert reports["SYR100002"]["source_scale"] == "Local-National"
    buffer = io.StringIO()
    run_export(node, "acled", buffer)
    incidents = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    [strike] = [r for r in incidents if "SYR100001" in r["merged_event_ids"].split("; ")]
    # ACLED's National-International with the sample's own NGO and witness (Other, Local
    # partner): the lowest and the highest of the four
    assert strike["source_scale"] == "Local partner-International"
    assert re.fullmatch(r"SYR1\d{7}", strike["event_id_cnty"])
    assert strike["event_id_cnty"] != "SYR100001"  # the incident keeps its own id


def test_acled_dates_in_acleds_export_tool_form(node: Node, tmp_path: Path) -> None:
    row = {**ACLED_ROWS[0], "event_date": "12 March 2019"}
    run_import(node, "acled", write_csv(tmp_path / "a.csv", [row]), author="ingest")
    exported = {r["event_id_cnty"]: r for r in acled_reports(node)}
    assert exported["SYR100001"]["event_date"] == "2019-03-12"


def test_bad_rows_are_each_reported_and_nothing_is_imported(node: Node, tmp_path: Path) -> None:
    bad_date = {**ACLED_ROWS[0], "event_id_cnty": "SYR1", "event_date": "2019-13-40"}
    bad_lat = {**ACLED_ROWS[0], "event_id_cnty": "SYR2", "latitude": "135.2"}
    bad_type = {**ACLED_ROWS[0], "event_id_cnty": "SYR3", "sub_event_type": "Bombing"}
    good = {**ACLED_ROWS[0], "event_id_cnty": "SYR4"}
    path = write_csv(tmp_path / "bad.csv", [good, bad_date, bad_lat, bad_type])
    before = node.ledger.size
    with pytest.raises(ImportRejected) as info:
        run_import(node, "acled", path, author="ingest")
    problems = {(p.line, p.field) for p in info.value.problems}
    assert problems == {(3, "event_date"), (4, "latitude"), (5, "sub_event_type")}
    assert "3 bad rows of 4" in info.value.message
    assert node.ledger.size == before  # all or nothing


def test_skip_imports_the_good_rows_and_lists_the_bad(node: Node, tmp_path: Path) -> None:
    bad = {**ACLED_ROWS[0], "event_id_cnty": "SYR9", "longitude": "east"}
    path = write_csv(tmp_path / "mixed.csv", [ACLED_ROWS[0], bad, ACLED_ROWS[1]])
    before = node.ledger.size
    outcome = run_import(node, "acled", path, author="ingest", on_invalid="skip")
    assert [label for label, _ in outcome.imported] == ["SYR100001", "SYR100002"]
    assert [(p.line, p.field) for p in outcome.problems] == [(3, "longitude")]
    assert node.ledger.size == before + 2


def test_wrong_columns_are_refused(node: Node, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cols.csv", ACLED_ROWS, ("event_date", "type", "lat", "lon"))
    with pytest.raises(ImportRejected) as info:
        run_import(node, "acled", path, author="ingest", on_invalid="skip")
    [problem] = info.value.problems
    assert problem.line == 1
    assert "event_type" in problem.field and "latitude" in problem.field


def test_importing_a_file_twice_adds_nothing(node: Node, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "acled.csv", ACLED_ROWS)
    run_import(node, "acled", path, author="ingest")
    size = node.ledger.size
    with pytest.raises(ImportRejected) as info:
        run_import(node, "acled", path, author="ingest")
    assert all("imported before" in p.reason for p in info.value.problems)
    assert node.ledger.size == size


def test_sites_and_zones_round_trip(node: Node, tmp_path: Path) -> None:
    for name, kind in (("sites", "sites"), ("sites-hxl", "sites"), ("zones", "zones")):
        buffer = io.StringIO()
        run_export(node, name, buffer)
        suffix = ".csv" if name.endswith("hxl") else ".geojson"
        path = tmp_path / f"{name}{suffix}"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        with build_sample(Settings(home=tmp_path / f"fresh-{name}")) as fresh:
            table = "sites" if kind == "sites" else "zones"
            fresh.store.clear(table)  # the projection only: the import must bring them back
            run_import(fresh, name, path, author="monitors")
            again = io.StringIO()
            run_export(fresh, name, again)
        assert again.getvalue() == buffer.getvalue(), name


def test_a_bad_zone_file_is_refused_whole(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "zones.geojson"
    feature = {
        "type": "Feature",
        "properties": {"id": "z1", "name": "Swapped", "kind": "sector"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[35.5, 36.5], [35.6, 36.5], [35.6, 36.6], [35.5, 36.5]]],
        },
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ImportRejected) as info:
        run_import(node, "zones", path, author="monitors", on_invalid="skip")
    assert "swapped" in str(info.value.problems[0]).lower()


# -- ACLED files as people have them ----------------------------------------------------------
def _spreadsheet_row(n: int, **changes: str) -> dict[str, str]:
    """A row as an ACLED file re-saved by a spreadsheet: ``9-May-20`` dates, the current
    codebook's text labels, inter2 0 for a one-sided event, OCHA's governorate spelling."""
    row = {
        **ACLED_ROWS[0],
        "event_id_cnty": f"SYR{200000 + n}",
        "event_date": f"{n % 28 + 1}-May-20",
        "year": "2020",
        "inter1": "State forces",
        "inter2": "Civilians",
        "interaction": "State forces-Civilians",
        "admin1": "Idleb",
        "timestamp": str(1589000000 + n),
    }
    row.update(changes)
    return row


def test_a_spreadsheet_saved_acled_file_imports_in_full(node: Node, tmp_path: Path) -> None:
    one_sided = {
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "0",
        "interaction": "Sole State forces action",
        "sub_event_type": "Shelling/artillery/missile attack",
        "civilian_targeting": "",
    }
    rows = [_spreadsheet_row(n) for n in range(40)]
    rows += [_spreadsheet_row(n, **one_sided) for n in range(40, 60)]
    rows += [_spreadsheet_row(60, event_date="09 May 2020", inter1="1", inter2="0",
                              interaction="10", actor2="", assoc_actor_2="")]  # fmt: skip
    rows += [_spreadsheet_row(61, event_date="2020-05-09", inter1="", inter2="",
                              interaction="17")]  # fmt: skip
    path = write_csv(tmp_path / "acled-2020.csv", rows)
    outcome = run_import(node, "acled", path, author="ingest")
    assert len(outcome.imported) == len(rows) == outcome.rows
    assert not outcome.problems
    exported = {r["event_id_cnty"]: r for r in acled_reports(node)}
    assert exported["SYR200000"]["event_date"] == "2020-05-01"
    assert exported["SYR200009"]["event_date"] == "2020-05-10"
    assert exported["SYR200000"]["interaction"] == "17"
    one = exported["SYR200045"]
    assert (one["inter1"], one["inter2"], one["interaction"], one["actor2"]) == ("1", "0", "10", "")
    assert exported["SYR200060"]["event_date"] == "2020-05-09"
    assert (exported["SYR200061"]["inter1"], exported["SYR200061"]["inter2"]) == ("1", "7")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-09", "2020-05-09"),
        ("2020-05-09T00:00:00", "2020-05-09"),
        ("9 May 2020", "2020-05-09"),
        ("09 May 2020", "2020-05-09"),
        ("09-May-2020", "2020-05-09"),
        ("9-May-20", "2020-05-09"),
        ("31-Dec-99", "1999-12-31"),
        ("9 Sept 2020", "2020-09-09"),
        ("May 9, 2020", "2020-05-09"),
        ("2020/05/09", "2020-05-09"),
        ("25/05/2020", "2020-05-25"),
        ("05/25/2020", "2020-05-25"),
    ],
)
def test_every_acled_date_form(text: str, expected: str) -> None:
    from truce.report.formats.acled import _parse_date

    assert _parse_date(text).isoformat() == expected


@pytest.mark.parametrize("text", ["05/09/2020", "9-Mai-20", "2020-02-30", "May 2020", "9-May-2"])
def test_ambiguous_or_wrong_dates_are_refused(text: str) -> None:
    from truce.report.formats.acled import _parse_date

    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _parse_date(text)


def test_a_mismatched_interaction_and_a_bad_label_are_reported(node: Node, tmp_path: Path) -> None:
    rows = [
        _spreadsheet_row(1, interaction="Rebel group-Civilians"),
        _spreadsheet_row(2, inter1="Armed men"),
        _spreadsheet_row(3, inter2="0"),  # actor2 is given: 0 says there is none
    ]
    with pytest.raises(ImportRejected) as info:
        run_import(node, "acled", write_csv(tmp_path / "x.csv", rows), author="ingest")
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(2, "interaction"), (3, "inter1"), (4, "inter2")}


def test_rows_outside_the_area_are_counted_and_skipped(node: Node, tmp_path: Path) -> None:
    rows = [
        _spreadsheet_row(1),
        _spreadsheet_row(2, country="Turkey", iso="792", admin1="Hatay"),
        _spreadsheet_row(3, country="Iraq", iso="368"),
        _spreadsheet_row(4, country="Turkey", iso="792"),
    ]
    outcome = run_import(node, "acled", write_csv(tmp_path / "region.csv", rows), author="ingest")
    assert [label for label, _ in outcome.imported] == ["SYR200001"]
    assert outcome.skipped == 3 and not outcome.problems
    assert any("skipped 3 row(s) outside Syria" in n and "Turkey 2" in n for n in outcome.notes)


def test_an_import_without_an_identity_signs_as_the_ingest_party(tmp_path: Path) -> None:
    with Node.init(Settings(home=tmp_path / "bare")) as bare:
        outcome = run_import(bare, "acled", write_csv(tmp_path / "a.csv", ACLED_ROWS[:1]))
        assert outcome.author == "osint"
        again = run_import(bare, "acled", write_csv(tmp_path / "b.csv", [_spreadsheet_row(5)]))
        assert again.author == "osint"  # registered once, then found
