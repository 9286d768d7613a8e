"""The truce command, run as a user runs it: a real process, a real data directory."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def truce(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"truce {' '.join(args)} failed: {proc.stderr}")
    return proc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    truce(home, "init")
    truce(home, "party", "add", "ru", "--name", "Russian Federation")
    return home


def test_init_party_report_and_ledger_commands(
    home: Path, tmp_path: Path, sample_report: dict
) -> None:
    key = home / "keys" / "ru.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    path = tmp_path / "r.json"
    path.write_text(json.dumps(sample_report))
    assert truce(home, "report", "add", str(path), "--as", "ru").stdout.strip() == "filed R-1"
    listed = json.loads(truce(home, "report", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ["R-1"]
    assert listed[0]["body"]["locations"][0]["point"]["lat"] == "35.37615"
    assert "ok: 2 entries" in truce(home, "ledger", "verify").stdout
    proof = json.loads(truce(home, "ledger", "prove", "--index", "1").stdout)
    assert proof["size"] == 2 and len(proof["proof"]) == 1
    cons = json.loads(truce(home, "ledger", "consistency", "--old", "1").stdout)
    assert cons["old"] == 1 and cons["new"] == 2
    lines = truce(home, "ledger", "export").stdout.splitlines()
    assert [json.loads(line)["index"] for line in lines] == [0, 1]
    checkpoint = truce(home, "ledger", "checkpoint").stdout
    assert checkpoint.splitlines()[:2] == ["truce.local/ledger", "2"]
    assert truce(home, "ledger", "vkey").stdout.startswith("truce.local/ledger+")


def test_malformed_report_names_the_field_and_appends_nothing(
    home: Path, tmp_path: Path, sample_report: dict
) -> None:
    sample_report["casualties"][0]["high"] = 1  # below best
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(sample_report))
    proc = truce(home, "report", "add", str(path), "--as", "ru", check=False)
    assert proc.returncode == 2
    assert "casualties.0" in proc.stderr and "high 1 is below" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 2  # the error and its hint
    path.write_text("{not json")
    proc = truce(home, "report", "add", str(path), "--as", "ru", check=False)
    assert proc.returncode == 2 and "not JSON" in proc.stderr
    sample_report["casualties"][0]["high"] = 9
    path.write_text(json.dumps(sample_report))
    proc = truce(home, "report", "add", str(path), "--as", "nobody", check=False)
    assert proc.returncode == 4 and "no party 'nobody'" in proc.stderr
    assert "ok: 1 entries" in truce(home, "ledger", "verify").stdout


def test_verify_exits_non_zero_naming_the_bad_entry(home: Path) -> None:
    log = home / "ledger" / "entries.log"
    data = bytearray(log.read_bytes())
    data[10] ^= 1
    log.write_bytes(bytes(data))
    proc = truce(home, "ledger", "verify", check=False)
    assert proc.returncode == 11
    assert "entry 0" in proc.stderr


def test_demo_creates_and_refuses_to_overwrite_other_data(home: Path, tmp_path: Path) -> None:
    proc = truce(home, "demo", check=False)
    assert proc.returncode == 3 and "not a demo" in proc.stderr
    demo = tmp_path / "demo"
    out = truce(demo, "demo").stdout
    assert "R-3 by ru" in out
    refused = truce(demo, "demo", check=False)  # never replaced silently
    assert refused.returncode == 3 and "only with --force" in refused.stderr
    again = truce(demo, "demo", "--force").stdout  # a demo directory is recreated fresh
    assert again.count("R-") == out.count("R-")
