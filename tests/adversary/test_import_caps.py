"""Byte and record caps on every importer (issue 23: ``truce import acled /dev/zero`` grew to
20 GB and was killed). Each importer, run as a user runs it, on ``/dev/zero`` (``stat()`` says 0
bytes) and on a file one record over the cap: a one-line error naming the cap and how to raise
it, and the ledger's bytes unchanged."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_DEMO: dict[str, Path] = {}


def truce(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "TRUCE_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("caps") / "home"
    proc = truce(home, "demo", "--no-serve")
    assert proc.returncode == 0, proc.stderr
    return home


@pytest.fixture
def home(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(demo, copy)
    return copy


def ledger_bytes(home: Path) -> bytes:
    return (home / "ledger" / "entries.log").read_bytes()


def refused(home: Path, *args: str, env: dict[str, str] | None = None, match: str = "") -> str:
    """Run a command that must be refused: one error line, no traceback, nothing appended."""
    before = ledger_bytes(home)
    proc = truce(home, *args, env=env)
    assert proc.returncode != 0, f"truce {' '.join(args)} was accepted: {proc.stdout}"
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    assert match in proc.stderr, proc.stderr
    assert ledger_bytes(home) == before, "something was appended"
    return proc.stderr


def zero(tmp_path: Path, name: str) -> Path:
    """A file named like an importer's input that reads as /dev/zero (stat size 0)."""
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    return link


SMALL = {"TRUCE_MAX_INPUT_BYTES": "1000000"}  # keeps the test quick: 1 MB, not 64 MiB


@pytest.mark.parametrize(
    "args",
    [
        ("import", "acled", "{zero.csv}", "--as", "osint"),
        ("import", "sites", "{zero.geojson}", "--as", "center"),
        ("import", "sites-hxl", "{zero.csv}", "--as", "center"),
        ("import", "zones", "{zero.geojson}", "--as", "center"),
        ("site", "add", "{zero.csv}", "--as", "center"),
        ("zone", "add", "{zero.geojson}", "--as", "center"),
        ("rules", "load", "{zero.yaml}", "--as", "center"),
        ("patrol", "track", "jp-2020-03-15", "{zero.gpx}", "--as", "ru"),
        (
            "patrol",
            "plan",
            "p-zero",
            "--route",
            "{zero.gpx}",
            "--parties",
            "ru",
            "--start",
            "2020-03-20T09:00Z",
            "--hours",
            "2",
            "--as",
            "ru",
        ),
        ("report", "add", "{zero.json}", "--as", "ru"),
        ("entry", "submit", "{zero.txt}"),
        ("ledger", "check-bundle", "{zero.json}"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_dev_zero_is_refused_at_the_byte_cap(
    home: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    filled = [
        str(zero(tmp_path, a[1:-1])) if a.startswith("{") and a.endswith("}") else a for a in args
    ]
    err = refused(home, *filled, env=SMALL, match="input cap")
    assert "TRUCE_MAX_INPUT_BYTES" in err  # how to raise it


def test_gazetteer_import_refuses_a_device_and_a_file_over_the_cap(
    home: Path, tmp_path: Path
) -> None:
    refused(home, "gazetteer", "import", str(zero(tmp_path, "zero.txt")), match="regular file")
    big = tmp_path / "big.txt"
    big.write_text("#" + "x" * 1_100_000 + "\n", encoding="utf-8")
    err = refused(home, "gazetteer", "import", str(big), env=SMALL, match="input cap")
    assert "TRUCE_MAX_INPUT_BYTES" in err
    assert not (home / "gazetteer" / "places" / "big.txt").exists()


def test_ingest_of_dev_zero_stops_at_its_document_cap(home: Path, tmp_path: Path) -> None:
    err = refused(home, "ingest", str(zero(tmp_path, "page.html")), "--max-bytes", "100000")
    assert "limit" in err and "--max-bytes" in err


def test_raising_the_cap_is_what_the_hint_says(home: Path, tmp_path: Path) -> None:
    """The cap is real and the variable raises it: a 2 MB rules file passes the byte check at
    3 MB (and is then refused for what it is, not for its size)."""
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 2_000_000 + "\n", encoding="utf-8")
    refused(home, "rules", "load", str(big), "--as", "center", env=SMALL, match="input cap")
    err = refused(
        home,
        "rules",
        "load",
        str(big),
        "--as",
        "center",
        env={"TRUCE_MAX_INPUT_BYTES": "3000000"},
    )
    assert "input cap" not in err


ROW = {
    "event_date": "2019-03-12",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Syria",
    "latitude": "35.441",
    "longitude": "36.651",
    "location": "Khan Shaykhun",
    "source": "Illustrative outlet",
}


def test_acled_over_the_record_cap_imports_nothing(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "four.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*ROW, "event_id_cnty"])
        writer.writeheader()
        for n in range(4):
            writer.writerow({**ROW, "event_id_cnty": f"SYRCAP{n}"})
    limited = {"TRUCE_MAX_INPUT_RECORDS": "3"}
    err = refused(
        home, "import", "acled", str(path), "--as", "osint", env=limited, match="more than 3 rows"
    )
    assert "TRUCE_MAX_INPUT_RECORDS" in err
    ok = truce(
        home, "import", "acled", str(path), "--as", "osint", env={"TRUCE_MAX_INPUT_RECORDS": "4"}
    )
    assert ok.returncode == 0, ok.stderr  # at the cap is allowed


def test_geojson_over_the_record_cap_imports_nothing(home: Path, tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [36.6 + n / 100, 35.5]},
            "properties": {"id": f"cap-site-{n}", "name": f"Cap site {n}", "kind": "school"},
        }
        for n in range(4)
    ]
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    limited = {"TRUCE_MAX_INPUT_RECORDS": "3"}
    refused(home, "site", "add", str(path), "--as", "center", env=limited, match="features")


def test_gpx_over_the_record_cap_imports_nothing(home: Path, tmp_path: Path) -> None:
    points = "".join(
        f'<trkpt lat="35.{500 + n}" lon="36.{600 + n}"><time>2020-03-15T09:0{n}:00Z</time></trkpt>'
        for n in range(4)
    )
    path = tmp_path / "t.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    )
    limited = {"TRUCE_MAX_INPUT_RECORDS": "3"}
    refused(
        home, "patrol", "track", "jp-2020-03-15", str(path), "--as", "ru", env=limited,
        match="points",
    )  # fmt: skip


def test_entry_submit_over_the_record_cap_appends_nothing(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "leaves.txt"
    path.write_text("AAAA\n" * 4)
    refused(
        home, "entry", "submit", str(path), env={"TRUCE_MAX_INPUT_RECORDS": "3"},
        match="more than 3 entries",
    )  # fmt: skip
