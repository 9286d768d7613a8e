"""The daily report's PDF laid out to the page (issue 19): printed by Chromium at A4 and at
Letter and read back with poppler-utils (``pdfinfo``, ``pdftotext -bbox``, ``pdftoppm``): the page
size, no word outside the page's margins (the incidents table's last column was cut at the page
edge), table headers repeated where a table continues, a table row never split across pages,
the map and the charts drawn, and the cited checkpoint in every page's footer."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from truce.config import Settings
from truce.errors import ValidationError
from truce.node import Node
from truce.report import build_situation, html_to_pdf, render_html
from truce.report.sample import SAMPLE_DATE, build_sample

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="needs Debian chromium and poppler-utils (.ci/run installs them)",
)

MM = 72 / 25.4  # points per millimetre
SIDE_MARGIN = 12 * MM  # the @page side margins
PAPERS = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}  # points
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    home = tmp_path_factory.mktemp("pdf") / "home"
    with build_sample(Settings(home=home)) as n:
        yield n


def pages_of(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Each page's width, height and words (xMin, yMin, xMax, yMax, text), by pdftotext."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for chunk in html.split("<page ")[1:]:
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk)
        assert size
        words = [
            (float(a), float(b), float(c), float(d), text)
            for a, b, c, d, text in WORD.findall(chunk)
        ]
        pages.append((float(size.group(1)), float(size.group(2)), words))
    return pages


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
def test_daily_pdf_is_laid_out_to_the_page(node: Node, tmp_path: Path, paper: str) -> None:
    rep = build_situation(node, "daily", on=date.fromisoformat(SAMPLE_DATE))
    pdf = tmp_path / "daily.pdf"
    html_to_pdf(render_html(rep, paper=paper), pdf, when=rep.state.time)
    pages = pages_of(pdf)
    assert len(pages) >= 2
    width, height = PAPERS[paper]
    texts = []
    for number, (w, h, words) in enumerate(pages, 1):
        assert (round(w), round(h)) == (round(width), round(height)), (paper, number)
        for x0, _y0, x1, _y1, text in words:  # nothing runs into the margins or off the page
            assert x0 >= SIDE_MARGIN - 1 and x1 <= w - SIDE_MARGIN + 1, (number, text, x0, x1)
        text = " ".join(t for *_, t in words)
        texts.append(text)
        # the footer cites the checkpoint on every page
        cite = f"{rep.state.origin} · size {rep.state.size} · root {rep.state.root_b64}"
        assert " ".join(cite.split()) in text, (number, text[-200:])
        assert f"page {number} of {len(pages)}" in text
    everything = " ".join(texts)
    # the incidents table's last column is whole (it was cut to "Respons" at the page edge)
    assert "Responses" in everything.split()
    # the map (its axes and legend) and the four charts are drawn
    for words in ("latitude (°N)", "incident: confirmed", "Incidents per day by zone",
                  "Incidents per day by grade", "Violations per day by status",
                  "Casualties per day"):  # fmt: skip
        assert words in everything, words
    # a table continued on another page repeats its header, and no incident row is split: each
    # row's last line ("by: <perpetrator>") is on the page of the row's id
    flat = [(n, x0, t) for n, (_w, _h, words) in enumerate(pages, 1) for x0, _, _, _, t in words]
    for number, (_w, _h, words) in enumerate(pages, 1):
        tokens = [t for *_, t in words]
        if "p-2019-03-13" in tokens:
            assert tokens.index("Patrol") < tokens.index("p-2019-03-13"), number
    table = next(  # the section heading "Incidents (4)"
        j for j in range(len(flat) - 1) if flat[j][2] == "Incidents" and flat[j + 1][2][0] == "("
    )
    rows = 0
    for i in range(table, len(flat)):
        number, x0, token = flat[i]
        if token == "Violations" and x0 < SIDE_MARGIN + 5:
            break  # the next section
        if re.fullmatch(r"I-\d+", token) and x0 < SIDE_MARGIN + 10:
            rows += 1
            last = next(j for j in range(i + 1, len(flat)) if flat[j][2] == "by:")
            assert flat[last][0] == number, f"incident row {token} is split across pages"
    assert rows == rep.figures.incidents
    # the map and charts are ink on the page, not only their labels
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "2", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    from PIL import Image

    for image_path in sorted(tmp_path.glob("page-*.pgm")):
        with Image.open(image_path) as image:
            dark = sum(image.histogram()[:230])
            assert dark > 0.02 * image.width * image.height, image_path.name


def test_an_unknown_paper_size_is_refused(node: Node) -> None:
    rep = build_situation(node, "daily", on=date.fromisoformat(SAMPLE_DATE))
    with pytest.raises(ValidationError, match="not one of A4, letter"):
        render_html(rep, paper="A3")


def test_the_footer_cannot_break_out_of_the_style_element(node: Node) -> None:
    from truce.report.html import _css_string

    assert _css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'


def test_cli_paper_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from truce.cli import main

    home = tmp_path / "home"
    build_sample(Settings(home=home)).close()
    out = tmp_path / "daily.html"
    args = ["--home", str(home), "report", "daily", "--out", str(out)]
    assert main([*args, "--paper", "Letter"]) == 0
    assert "@page { size: letter;" in out.read_text(encoding="utf-8")
    assert main([*args, "--paper", "A3"]) == 2
    assert "A3" in capsys.readouterr().err
