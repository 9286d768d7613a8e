"""The daily and weekly situation report: figures, citation, byte-stable HTML, rebuilding from a
checkpoint size after the log has grown, and a PDF that renders (Chromium, then pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from truce.cli import main
from truce.config import Settings
from truce.model import Report
from truce.node import Node
from truce.report import build_situation, html_to_pdf, render_html
from truce.report.sample import SAMPLE_DATE, build_sample

DAY = date.fromisoformat(SAMPLE_DATE)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    with build_sample(Settings(home=tmp_path / "home")) as n:
        yield n


def test_daily_figures_and_citation(node: Node) -> None:
    rep = build_situation(node, "daily", on=DAY)
    f = rep.figures
    assert [e.id for e in rep.events] == ["I-11", "I-12", "I-13", "I-14"]
    assert (f.incidents, f.violations, f.patrols) == (4, 1, 1)
    assert str(f.killed) == "1 or more"  # one report gives no upper bound
    html = render_html(rep)
    assert f"size <b>{node.ledger.size}</b>" in html
    assert rep.state.root_b64 in html
    assert "--checkpoint-size 18" in html
    assert "<script" not in html and "http://" not in html.split("<svg", 1)[0]
    assert html.count("<svg") == 5  # map and four charts, inline


def test_weekly_covers_seven_days(node: Node) -> None:
    rep = build_situation(node, "weekly", on=DAY)
    assert (rep.period.start, rep.period.end) == (date(2019, 3, 7), DAY)
    assert rep.figures.incidents == 7
    assert str(rep.figures.killed) == "8 or more"  # 4-7 + 3 + 1-?


def test_a_zone_report_counts_only_incidents_inside(node: Node) -> None:
    rep = build_situation(node, "weekly", on=DAY, zone="dmz")
    assert sorted(e.id for e in rep.events) == ["I-10", "I-13", "I-9"]
    assert any("no position" in n for n in rep.notes)


def test_html_is_byte_stable_and_rebuilds_from_a_checkpoint(node: Node) -> None:
    first = render_html(build_situation(node, "daily", on=DAY))
    assert render_html(build_situation(node, "daily", on=DAY)) == first
    size = node.ledger.size
    later = Report.model_validate(
        {
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "date": SAMPLE_DATE,
            "locations": [{"place": "Saraqib", "point": {"lat": "35.86", "lon": "36.80"}}],
            "sources": [{"name": "Later source", "kind": "outlet"}],
        }
    )
    node.file_report("tr", later)
    grown = build_situation(node, "daily", on=DAY)
    assert grown.figures.incidents == 5
    rebuilt = render_html(build_situation(node, "daily", on=DAY, size=size))
    assert rebuilt == first


def test_sections_say_none_recorded(node: Node) -> None:
    html = render_html(build_situation(node, "daily", on=date(2019, 3, 11)))
    patrols = html.split("<h2>Patrols</h2>", 1)[1]
    assert "None recorded for the period." in patrols
    violations = html.split("<h2>Violations</h2>", 1)[1]
    assert "None recorded" in violations


@pytest.mark.slow
def test_pdf_renders_non_empty_pages(node: Node, tmp_path: Path) -> None:
    if shutil.which("chromium") is None or shutil.which("pdftoppm") is None:
        pytest.skip("needs Debian chromium and poppler-utils (.ci/run installs them)")
    rep = build_situation(node, "daily", on=DAY)
    pdf = tmp_path / "daily.pdf"
    html_to_pdf(render_html(rep), pdf, when=rep.state.time)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    from PIL import Image

    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:200])
            assert dark > 200, f"{page.name} is blank"
    again = tmp_path / "again.pdf"
    html_to_pdf(render_html(build_situation(node, "daily", on=DAY)), again, when=rep.state.time)
    assert again.read_bytes() == pdf.read_bytes()  # dates fixed to the ledger's time


def test_cli_report_export_import(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(node.settings.home)]
    node.close()
    out = tmp_path / "daily.html"
    assert main([*home, "report", "daily", "--out", str(out)]) == 0
    assert "4 incident(s), 1 violation(s), 1 patrol(s)" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main([*home, "report", "daily", "--out", str(tmp_path / "x.txt")]) == 2
    assert main([*home, "report", "daily", "--zone", "nowhere", "--out", str(out)]) == 4
    assert "no zone 'nowhere'" in capsys.readouterr().err
    csv_out = tmp_path / "events.csv"
    assert main([*home, "export", "acled", "--unit", "reports", "--out", str(csv_out)]) == 0
    assert "acled: wrote 7" in capsys.readouterr().err
    text = csv_out.read_text(encoding="utf-8")
    bad = text.replace("2019-03-12,2019", "2019-02-30,2019", 1)
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    assert main([*home, "import", "acled", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"bad\.csv line \d+: event_date: '2019-02-30' is not a date", err)
    assert "nothing was imported" in err


def test_cli_lists_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"acled", "geojson", "hxl", "cot", "plover", "sites", "zones"} <= set(names)


def test_the_default_day_is_the_last_day_with_an_incident(node: Node) -> None:
    last_incident = build_situation(node, "daily").period.start
    assert build_situation(node, "daily", on=last_incident).figures.incidents > 0
    node.add_party("observer", "A party registered long after the events")  # dated today
    assert node.ledger.checkpoint()  # the last entry is now of today, with no incident
    rep = build_situation(node, "daily")
    assert rep.period.start == last_incident and rep.figures.incidents > 0
