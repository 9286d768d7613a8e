"""What the locker reads besides EXIF: a PDF's pages, Info dictionary and XMP (pdfinfo), checked
against the report; a C2PA manifest (c2pa-python), valid or broken by an edit; and a video's
keyframe hashes, shown by 'truce evidence show'. Every file is made here."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import photos
from documents import c2pa_signed_jpeg, pdf, xmp_packet
from truce.cli import AppContext, cli
from truce.config import Settings
from truce.evidence.actions import add
from truce.evidence.queries import one
from truce.model import Report
from truce.node import Node

needs_pdfinfo = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="pdfinfo is not installed (.ci/run installs it)"
)

INFO = {
    "Title": "Casualty list, Morek",
    "Author": "Hospital records office",
    "Producer": "LibreOffice 7.4",
    "CreationDate": "D:20170404101200+03'00'",
    "ModDate": "D:20170405080000Z",
}


def truce(home: Path, *args: str) -> Result:
    """The real CLI, in this process (a subprocess per call costs seconds on the loaded CI)."""
    return CliRunner().invoke(cli, list(args), obj=AppContext(), env={"TRUCE_HOME": str(home)})


@pytest.fixture
def node(tmp_path: Path) -> Node:
    return Node.init(Settings(home=tmp_path / "home"))


def _report(node: Node, sample_report: dict) -> str:
    node.add_party("ru", "Russian Federation")
    return node.file_report("ru", Report.model_validate(sample_report))


@needs_pdfinfo
def test_a_pdf_older_than_the_event_is_found(
    node: Node, tmp_path: Path, sample_report: dict
) -> None:
    rid = _report(node, sample_report)
    path = tmp_path / "list.pdf"
    xmp = xmp_packet({"xmp:CreateDate": "2017-04-04T10:12:00+03:00", "xmp:CreatorTool": "Writer"})
    path.write_bytes(pdf(INFO, xmp, pages=3))
    with node:
        added = add(node, path, "ru", report=rid)
        assert added.body.pages == 3
        assert added.body.document == {
            "title": "Casualty list, Morek",
            "author": "Hospital records office",
            "producer": "LibreOffice 7.4",
            "created": "2017-04-04T10:12:00",
            "modified": "2017-04-05T08:00:00",
        }
        assert added.body.xmp == {
            "xmp:CreateDate": "2017-04-04T10:12:00+03:00",
            "xmp:CreatorTool": "Writer",
        }
        with node.store.engine.connect() as conn:
            row = one(conn, added.id)
        assert row["pages"] == 3 and row["document"]["modified"] == "2017-04-05T08:00:00"
        texts = [f["text"] for f in row["findings"]]
        assert texts == ["document last modified 2017-04-05, 2 years before the event (2019-03-12)"]
        before = node.store.dump()
        node.rebuild()
        assert node.store.dump() == before


@needs_pdfinfo
def test_a_pdf_that_contradicts_itself_or_cannot_be_read(
    node: Node, tmp_path: Path, sample_report: dict
) -> None:
    rid = _report(node, sample_report)
    made_after = {**INFO, "CreationDate": "D:20190313", "ModDate": "D:20190401"}
    (tmp_path / "a.pdf").write_bytes(
        pdf(made_after, xmp_packet({"xmp:CreateDate": "2016-01-01T00:00:00Z"}))
    )
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 20)
    with node:
        a = add(node, tmp_path / "a.pdf", "ru", report=rid)
        b = add(node, tmp_path / "b.pdf", "ru", report=rid)
        with node.store.engine.connect() as conn:
            texts = [f["text"] for f in one(conn, a.id)["findings"]]
        # Made after the event: not a time finding; its XMP says otherwise: a problem.
        assert texts == [
            "the PDF's created date 2019-03-13 contradicts its XMP xmp:CreateDate 2016-01-01"
        ]
        assert node.evidence.has(b.body.sha256) and b.body.pages is None  # kept, unread
        assert b.body.problems and b.body.problems[0].startswith("the PDF could not be read")


def test_a_c2pa_manifest_is_read_and_an_edit_breaks_it(tmp_path: Path, sample_report: dict) -> None:
    home = tmp_path / "home"
    signed = c2pa_signed_jpeg(photos.jpeg(12, (320, 240)))
    edited = bytearray(signed)
    edited[-200] ^= 0x5A  # one byte of the picture changed after signing
    (tmp_path / "signed.jpg").write_bytes(signed)
    (tmp_path / "edited.jpg").write_bytes(bytes(edited))
    with Node.init(Settings(home=home)) as node:
        rid = _report(node, sample_report)
        good = add(node, tmp_path / "signed.jpg", "ru", report=rid)
        bad = add(node, tmp_path / "edited.jpg", "ru", report=rid)
    assert good.body.c2pa is not None and bad.body.c2pa is not None
    c = good.body.c2pa
    assert (c.claim_generator, c.title, c.validation) == ("truce-test 1.0", "crater.jpg", "valid")
    assert c.signer == "Patrol camera / Test Patrol" and "c2pa.actions.v2" in c.assertions
    assert c.errors == ["signingCredential.untrusted"]  # truce loads no trust list
    assert not any("C2PA" in p for p in good.body.problems)
    assert bad.body.c2pa.validation == "invalid"
    assert "assertion.dataHash.mismatch" in bad.body.c2pa.errors
    assert any(p.startswith("the C2PA manifest does not verify") for p in bad.body.problems)
    shown = truce(home, "evidence", "show", good.id)
    assert shown.exit_code == 0, shown.output
    assert "c2pa      valid (signingCredential.untrusted); claim by truce-test 1.0" in shown.stdout
    assert "signed by Patrol camera / Test Patrol" in shown.stdout
    listed = json.loads(truce(home, "evidence", "list", "--json").stdout)
    assert [r["c2pa"]["validation"] for r in listed] == ["valid", "invalid"]


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_show_lists_a_videos_keyframes(tmp_path: Path, sample_report: dict) -> None:
    for n, seed in enumerate((30, 21)):
        photos.draw(seed, (160, 120)).save(tmp_path / f"f{n}.png")
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", "1",
         "-i", str(tmp_path / "f%d.png"), "-c:v", "libx264", "-g", "1",
         "-pix_fmt", "yuv420p", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    home = tmp_path / "home"
    with Node.init(Settings(home=home)) as node:
        rid = _report(node, sample_report)
        video = add(node, clip, "ru", report=rid)
    frames = video.body.keyframes or []
    assert len(frames) == 2
    shown = truce(home, "evidence", "show", video.id)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    at = lines.index(f"keyframes {frames[0]}")
    assert lines[at + 1] == f"          {frames[1]}"
    listed = json.loads(truce(home, "evidence", "list", "--json").stdout)
    assert listed[0]["keyframes"] == frames


def test_migration_0011_shows_the_keyframes_of_videos_attached_before(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from truce.store import make_engine
    from truce.store.db import migrations_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(migrations_config(conn), "0010")
        conn.execute(
            text(
                "INSERT INTO evidence (id, entry_index, sha256, media_type, size, filename,"
                " report_id, author, added_at, description, graphic, problems) VALUES"
                " ('E-5', 5, :sha, 'video/mp4', 10, 'clip.mp4', 'R-1', 'ru', 't', '', 0, '[]')"
            ),
            {"sha": "ab" * 32},
        )
        for key, value in (("E-5#1", "00000000000000ff"), ("E-5#0", "ff00000000000000")):
            for band in range(4):
                conn.execute(
                    text("INSERT INTO evidence_bands VALUES (:b, :v, :k, 5, :h)"),
                    {"b": band, "v": band, "k": key, "h": value},
                )
    with engine.begin() as conn:
        command.upgrade(migrations_config(conn), "head")
        details = conn.execute(text("SELECT details FROM evidence")).scalar_one()
    engine.dispose()
    assert json.loads(details) == {"keyframes": ["ff00000000000000", "00000000000000ff"]}
