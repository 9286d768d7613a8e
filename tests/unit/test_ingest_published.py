"""``--published`` takes a day, a month or a range (issue 15 item 3), and refuses anything else
in one line that says what to give."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from truce.errors import ValidationError
from truce.ingest.pubdate import parse_published

DOC = Path(__file__).resolve().parents[1] / "data" / "ingest" / "docs" / "25_relative_periods.txt"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-03-15", (date(2019, 3, 15), date(2019, 3, 15))),
        ("2019-02", (date(2019, 2, 1), date(2019, 2, 28))),
        ("2020-02", (date(2020, 2, 1), date(2020, 2, 29))),
        ("2019-03-01/2019-03-20", (date(2019, 3, 1), date(2019, 3, 20))),
        ("2018-10..2018-11", (date(2018, 10, 1), date(2018, 11, 30))),
    ],
)
def test_a_day_a_month_or_a_range(value: str, expected: tuple[date, date]) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [("2019-13", "not a date"), ("March 2019", "not a date"), ("2019-03-20/2019-03-01", "ends")],
)
def test_anything_else_is_refused(value: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        parse_published(value)


def test_the_cli_takes_a_month(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "truce", "--home", str(tmp_path), "ingest", "--dry-run"]
    done = subprocess.run(
        [*run, "--published", "2019-03", str(DOC)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "published 2019-03-01/2019-03-31" in done.stdout
    bad = subprocess.run(
        [*run, "--published", "2019-13", str(DOC)], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0
    assert bad.stderr.startswith("error: --published '2019-13' is not a date, a month or a range")
