"""A third party checks a copy of an attached file with the proof bundle of its entry: a true
copy verifies; an altered or truncated copy, or a bundle of another kind of entry, is refused
naming what does not match; ``truce evidence bundle`` writes the bundles of a report's files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import photos
from truce.config import Settings
from truce.errors import ProofError
from truce.evidence.actions import add
from truce.evidence.proof import bundles_for, verify_copy
from truce.ledger.bundle import LedgerSource, make_bundle
from truce.model import Report
from truce.node import Node


def truce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )


def test_a_copy_verifies_and_an_altered_copy_is_refused(
    tmp_path: Path, sample_report: dict
) -> None:
    settings = Settings(home=tmp_path / "home")
    photo = tmp_path / "crater.jpg"
    photo.write_bytes(photos.jpeg(3, gps=(35.376, 36.69)))
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        added = add(node, photo, "ru", report=rid)
        found = bundles_for(node, rid)
        report_bundle = make_bundle(LedgerSource(node.ledger), 1)
    assert [r["id"] for r, _ in found] == [added.id]
    bundle = found[0][1]

    ok = verify_copy(bundle, photo)
    assert (ok.id, ok.sha256, ok.size) == (added.id, added.body.sha256, photo.stat().st_size)

    altered = bytearray(photo.read_bytes())
    altered[len(altered) // 2] ^= 1
    (tmp_path / "altered.jpg").write_bytes(bytes(altered))
    with pytest.raises(ProofError) as err:
        verify_copy(bundle, tmp_path / "altered.jpg")
    assert f"altered.jpg is not the file of {added.id} (crater.jpg): its SHA-256 is" in str(
        err.value
    )
    assert "size" not in str(err.value)  # same size: only the hash is named

    (tmp_path / "short.jpg").write_bytes(photo.read_bytes()[:-10])
    with pytest.raises(ProofError, match=r"its size is \d+ bytes, the entry's is \d+"):
        verify_copy(bundle, tmp_path / "short.jpg")

    with pytest.raises(ProofError, match=r"a report\.filed entry, not an attached file"):
        verify_copy(report_bundle, photo)

    forged = json.loads(json.dumps(bundle))  # a bundle whose entry was edited proves nothing
    forged["entry"]["inclusion_proof"] = forged["entry"]["inclusion_proof"][:-1] or ["AAAA"]
    with pytest.raises(ProofError, match="bundle"):
        verify_copy(forged, photo)


def test_cli_bundle_and_verify(tmp_path: Path, sample_report: dict) -> None:
    home = tmp_path / "home"
    assert truce(home, "init").returncode == 0
    assert truce(home, "party", "add", "ru", "--name", "Russian Federation").returncode == 0
    (tmp_path / "r.json").write_text(json.dumps(sample_report))
    assert truce(home, "report", "add", str(tmp_path / "r.json"), "--as", "ru").returncode == 0
    for n, name in enumerate(("one.jpg", "two.jpg")):
        (tmp_path / name).write_bytes(photos.jpeg(10 + n))
        done = truce(home, "evidence", "add", str(tmp_path / name), "--report", "R-1", "--as", "ru")
        assert done.returncode == 0, done.stderr
    out = tmp_path / "bundles"
    wrote = truce(home, "evidence", "bundle", "I-1", "--out", str(out))
    assert wrote.returncode == 0, wrote.stderr
    assert sorted(p.name for p in out.iterdir()) == ["E-2.json", "E-3.json"]

    # The third party has no data directory: only the bundle and the copy.
    elsewhere = tmp_path / "nothing-here"
    ok = truce(
        elsewhere,
        "evidence",
        "verify",
        str(tmp_path / "two.jpg"),
        "--bundle",
        str(out / "E-3.json"),
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok: two.jpg is E-3 (two.jpg, image/jpeg, ")
    assert len(ok.stdout.splitlines()) == 1
    by_dir = truce(elsewhere, "evidence", "verify", str(tmp_path / "one.jpg"), "--bundle", str(out))
    assert by_dir.stdout.startswith("ok: one.jpg is E-2 "), by_dir.stderr

    wrong = truce(
        elsewhere,
        "evidence",
        "verify",
        str(tmp_path / "one.jpg"),
        "--bundle",
        str(out / "E-3.json"),
    )
    assert wrong.returncode != 0
    assert "one.jpg is not the file of E-3 (two.jpg): its SHA-256 is" in wrong.stderr
    assert not (elsewhere / "ledger").exists()
    (tmp_path / "edited.jpg").write_bytes((tmp_path / "one.jpg").read_bytes() + b"x")
    none = truce(
        elsewhere, "evidence", "verify", str(tmp_path / "edited.jpg"), "--bundle", str(out)
    )
    assert none.returncode != 0 and "none of the 2 bundle(s)" in none.stderr
