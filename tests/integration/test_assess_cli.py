"""``truce incidents``, ``truce incident show|merge|split`` and ``truce respond``, run as a user
runs them: a real data directory, exit codes and one-line errors. Most calls go through the
CLI's entry point in this process (a new process costs a second and a half each); the last test
runs the installed command in real processes."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from truce.cli import main

STRIKE: dict[str, Any] = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": "2019-03-13",
    "locations": [{"place": "Jarjanaz", "admin1": "Idlib",
                   "point": {"lat": "35.61823", "lon": "36.78281", "error_m": 2000}}],
    "actors": [{"name": "Military Forces of Russia", "role": "perpetrator", "country": "Russia"}],
    "casualties": [{"category": "civilians", "kind": "killed", "low": 3, "best": 4, "high": 6}],
    "sources": [{"name": "Turkish Ministry of National Defence", "kind": "party"}],
}  # fmt: skip


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def truce(capsys: pytest.CaptureFixture[str]) -> Any:
    def run(home: Path, *args: str, check: bool = True) -> Ran:
        code = main(["--home", str(home), *args])
        out, err = capsys.readouterr()
        if check and code != 0:
            raise AssertionError(f"truce {' '.join(args)} failed: {err}")
        return Ran(code, out, err)

    return run


@pytest.fixture
def home(tmp_path: Path, truce: Any) -> Path:
    home = tmp_path / "home"
    truce(home, "init")
    truce(home, "party", "add", "ru", "--name", "Russian Federation")
    truce(home, "party", "add", "tr", "--name", "Republic of Türkiye")
    truce(home, "party", "add", "monitors", "--name", "Monitors", "--kind", "monitor")
    return home


def file(truce: Any, home: Path, tmp_path: Path, author: str, **changes: Any) -> str:
    body = copy.deepcopy(STRIKE)
    body.update(changes)
    path = tmp_path / f"r{len(list(tmp_path.glob('r*.json')))}.json"
    path.write_text(json.dumps(body))
    return truce(home, "report", "add", str(path), "--as", author).stdout.split()[-1]


def test_a_session_with_incidents(home: Path, tmp_path: Path, truce: Any) -> None:
    r1 = file(truce, home, tmp_path, "tr")
    file(truce, home, tmp_path, "monitors", sources=[{"name": "Team 2", "kind": "monitor"}])
    elsewhere = [{"place": "Saraqib", "point": {"lat": "35.862", "lon": "36.806"}}]
    r3 = file(truce, home, tmp_path, "tr", locations=elsewhere)
    listed = json.loads(truce(home, "incidents", "--json").stdout)
    assert [(i["id"], i["report_count"], i["occurrence"]) for i in listed] == [
        (f"I-{r1[2:]}", 2, "confirmed"),
        (f"I-{r3[2:]}", 1, "single-source"),
    ]
    i1, i3 = listed[0]["id"], listed[1]["id"]
    text = truce(home, "incidents").stdout
    assert i1 in text and "confirmed" in text and "killed 3–6 (≥4)" in text
    filtered = truce(home, "incidents", "--bbox", "36.7,35.55,36.8,35.65", "--grade", "confirmed")
    assert filtered.stdout.split()[0] == i1 and i3 not in filtered.stdout
    assert "no incidents match" in truce(home, "incidents", "--since", "2020-01-01").stderr

    shown = truce(home, "incident", "show", i1).stdout
    assert "occurrence: confirmed" in shown
    assert "observed by the center's monitors" in shown
    assert "why each report is here:" in shown

    said = truce(home, "respond", i1, "--as", "ru", "--kind", "deny", "--text", "no").stdout
    assert said.startswith("filed S-") and "occurrence confirmed" in said
    evidence = tmp_path / "list.txt"
    evidence.write_text("names\n")
    truce(home, "respond", i1, "--as", "tr", "--kind", "dispute", "--field", "casualties",
          "--value", "9", "--evidence", str(evidence))  # fmt: skip
    detail = json.loads(truce(home, "incident", "show", i1, "--json").stdout)
    assert [r["kind"] for r in detail["responses"]] == ["deny", "dispute"]
    assert detail["attribution"]["state"] == "denied"

    merged = truce(home, "incident", "merge", i1, i3, "--as", "monitors").stdout
    assert merged.startswith(f"merged {i3} into {i1}")
    assert f"({i3} was merged into {i1})" in truce(home, "incident", "show", i3).stdout
    split = truce(home, "incident", "split", i1, "--reports", r3, "--as", "monitors").stdout
    assert split.startswith(f"split {r3} from {i1} into I-")
    after = json.loads(truce(home, "incidents", "--json").stdout)
    assert sorted(i["report_count"] for i in after) == [1, 2]


def test_bad_input_is_one_line_with_its_exit_code_and_writes_nothing(
    home: Path, tmp_path: Path, truce: Any
) -> None:
    r1 = file(truce, home, tmp_path, "tr")
    i1 = f"I-{r1[2:]}"
    size = truce(home, "ledger", "checkpoint").stdout.splitlines()[1]
    cases = [
        (("respond", "I-999", "--as", "ru", "--kind", "deny"), 4, "error: no incident I-999"),
        (("incident", "merge", i1, i1, "--as", "ru"), 2, f"error: cannot merge {i1} with itself"),
        (("incident", "split", i1, "--reports", r1, "--as", "ru"), 2,
         f"error: splitting off every report of {i1} would leave it with no report"),
        (("respond", i1, "--as", "ru", "--kind", "dispute", "--field", "date"), 2,
         "error: a dispute names the field and the party's own value"),
        (("incident", "show", "I-424242"), 4, "error: no incident I-424242"),
        (("incidents", "--bbox", "west"), 2, "error: bbox 'west' must be four numbers"),
    ]  # fmt: skip
    for args, code, message in cases:
        proc = truce(home, *args, check=False)
        assert proc.returncode == code, (args, proc.stderr)
        assert proc.stderr.splitlines()[0].startswith(message), proc.stderr
        assert "Traceback" not in proc.stderr
    assert truce(home, "ledger", "checkpoint").stdout.splitlines()[1] == size


def test_the_installed_command_in_real_processes(home: Path, tmp_path: Path, truce: Any) -> None:
    r1 = file(truce, home, tmp_path, "tr")
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def real(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "truce.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env)

    listed = real("incidents", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["id"] == f"I-{r1[2:]}"
    bad = real("respond", "I-999", "--as", "ru", "--kind", "deny")
    assert bad.returncode == 4
    assert bad.stderr.splitlines() == [
        "error: no incident I-999",
        "hint: List incidents with 'truce incidents'.",
    ]
