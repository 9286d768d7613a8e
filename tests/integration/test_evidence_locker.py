"""The evidence locker end to end in the library and the CLI: attach, learn, find the copy,
refuse bad files storing nothing, and rebuild the tables from the log, row for row."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import photos
from truce.config import Settings
from truce.errors import TruceError
from truce.evidence.actions import add
from truce.evidence.queries import list_evidence
from truce.model import Report
from truce.node import Node


def _files(settings: Settings) -> list[Path]:
    root = settings.evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_rebuild_gives_the_same_evidence_rows(
    tmp_path: Path, database_url: str, sample_report: dict
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("tr", "Republic of Türkiye")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        later = copy.deepcopy(sample_report)
        later["date"] = {"start": "2020-02-01", "end": "2020-02-01", "precision": 1}
        later["locations"] = [{"place": "Saraqib", "point": {"lat": "35.8623", "lon": "36.8006"}}]
        other = node.file_report("tr", Report.model_validate(later))
        old = photos.jpeg(7, captured="2019:03:12 08:00:00", gps=(35.376, 36.69))
        (tmp_path / "old.jpg").write_bytes(old)
        (tmp_path / "new.png").write_bytes(photos.reencode(old, 0.4, fmt="PNG"))
        first = add(node, tmp_path / "old.jpg", "ru", report=rid)
        assert first.new and first.id == f"E-{first.index}"
        with node.store.engine.connect() as conn:
            incident = list_evidence(conn, report=rid)[0]["incident_id"]
            assert list_evidence(conn, report=rid)[0]["findings"] == []  # the right day, place
        second = add(node, tmp_path / "new.png", "tr", report=other)
        again = add(node, tmp_path / "old.jpg", "tr", incident=incident)
        assert not again.new  # stored once
        with node.store.engine.connect() as conn:
            rows = list_evidence(conn)
        texts = {r["id"]: [f["text"] for f in r["findings"]] for r in rows}
        assert any(
            t.startswith(f"this image was already attached to incident {incident} (2019-03-12)")
            for t in texts[second.id]
        ), texts
        assert any("the same file" in t for t in texts[again.id])
        before = node.store.dump()
        assert before["evidence_bands"] and before["evidence_findings"]
        node.rebuild()
        assert node.store.dump() == before


def truce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture
def home(tmp_path: Path, sample_report: dict) -> Path:
    home = tmp_path / "home"
    assert truce(home, "init").returncode == 0
    assert truce(home, "party", "add", "ru", "--name", "Russian Federation").returncode == 0
    (tmp_path / "r.json").write_text(json.dumps(sample_report))
    assert truce(home, "report", "add", str(tmp_path / "r.json"), "--as", "ru").returncode == 0
    return home


def test_cli_add_list_show(home: Path, tmp_path: Path) -> None:
    photo = tmp_path / "crater.jpg"
    photo.write_bytes(photos.jpeg(4, captured="2017:04:04 10:00:00", device=("Canon", "80D")))
    done = truce(home, "evidence", "add", str(photo), "--report", "R-1", "--as", "ru")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("added E-2 sha256 ")
    assert "! photo taken 2017-04-04, 2 years before the event (2019-03-12)" in done.stdout
    listed = truce(home, "evidence", "list", "--incident", "I-1")
    assert listed.stdout.startswith("E-2 ") and "crater.jpg" in listed.stdout
    sha = done.stdout.split()[3]
    shown = truce(home, "evidence", "show", sha)
    assert "captured  2017-04-04T10:00:00" in shown.stdout and "device    Canon 80D" in shown.stdout
    assert "E-2: crater.jpg attached to R-1 (incident I-1) by ru" in shown.stdout


def test_cli_refuses_bad_files_and_stores_nothing(home: Path, tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x", b"\x00" * (50 << 20))
    (tmp_path / "bomb.zip").write_bytes(bomb.getvalue())
    (tmp_path / "report.jpg").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    (tmp_path / "ok.jpg").write_bytes(photos.jpeg(1))
    cases = [
        (["bomb.zip"], "ZIP archive"),
        (["report.jpg"], "content is application/pdf"),
        (["ok.jpg", "--type", "image/png"], "declared image/png"),
        (["ok.jpg", "--name", "../../x.jpg"], "contains a path"),
        (["ok.jpg", "--report", "R-99"], "no report R-99"),
    ]
    for args, says in cases:
        target = [] if "--report" in args else ["--report", "R-1"]
        proc = truce(
            home, "evidence", "add", str(tmp_path / args[0]), *args[1:], *target, "--as", "ru"
        )
        assert proc.returncode != 0 and says in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr  # the error and its hint
    settings = Settings(home=home)
    assert _files(settings) == []
    assert "no evidence" in truce(home, "evidence", "list").stdout


def test_an_unknown_author_reads_nothing(node: Node, tmp_path: Path, sample_report: dict) -> None:
    rid = node.file_report("ru", Report.model_validate(sample_report))
    (tmp_path / "a.jpg").write_bytes(photos.jpeg(1))
    with pytest.raises(TruceError):
        add(node, tmp_path / "a.jpg", "nobody", report=rid)
    assert _files(node.settings) == []
