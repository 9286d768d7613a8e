"""The command line under attack (issue 23, item 9), each case through the real ``truce``.

- ``truce ledger check-bundle`` without ``--policy`` said ``ok:`` for a bundle made by an
  attacker's own log with the attacker's own keys: it must say what it checked and what it
  could not, and never ``ok``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from truce.config import Settings
from truce.model import Report
from truce.node import Node


def truce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )


def a_log(home: Path, sample_report: dict, title: str) -> Path:
    """A data directory with the default origin, two parties and one report."""
    with Node.init(Settings(home=home)) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("tr", "Republic of Türkiye")
        sample_report["title"] = title
        node.file_report("ru", Report.model_validate(sample_report))
    return home


@pytest.fixture
def real_and_forged(tmp_path: Path, sample_report: dict) -> tuple[Path, Path, Path]:
    real = a_log(tmp_path / "real", sample_report, "what happened")
    forger = a_log(tmp_path / "forger", sample_report, "what the forger says happened")
    forged = tmp_path / "forged.json"
    made = truce(forger, "ledger", "proof-bundle", "--entry", "2", "--out", str(forged))
    assert made.returncode == 0, made.stderr
    policy = tmp_path / "real.policy"
    printed = truce(real, "ledger", "policy")
    assert printed.returncode == 0, printed.stderr
    policy.write_text(printed.stdout)
    return real, forged, policy


def test_check_bundle_without_a_policy_never_says_ok(
    tmp_path: Path, real_and_forged: tuple[Path, Path, Path]
) -> None:
    _real, forged, policy = real_and_forged
    nowhere = tmp_path / "nowhere"
    out = truce(nowhere, "ledger", "check-bundle", str(forged))
    assert out.returncode == 1, out.stderr  # a script's `check-bundle F && …` stops here
    assert "ok" not in out.stdout.split()[0].lower()
    assert out.stdout.startswith("NOT TRUSTED: entry 2 (report.filed, by ru")
    assert "checked: the inclusion proof" in out.stdout
    assert "not checked: that those keys are the real log's" in out.stdout
    assert "--policy" in out.stdout
    # Against the real log's keys, the same bundle is refused.
    refused = truce(nowhere, "ledger", "check-bundle", str(forged), "--policy", str(policy))
    assert refused.returncode != 0
    assert not refused.stdout.startswith("ok")
