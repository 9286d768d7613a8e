"""Issue 23, failure 8: JSON nested 20,000 deep made every command fail with ``RecursionError``
once such an entry was in the log, and made ``POST /api/v1/ledger/entries`` and ``POST
/api/v1/session`` answer 500. Wherever JSON enters (API bodies, ledger entries, the CLI's input
files) it is refused past :data:`truce.jsonlimits.MAX_DEPTH` levels with one line, a 4xx from
the API, and no traceback."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from truce.config import Settings
from truce.jsonlimits import MAX_DEPTH, deeper_than
from truce.ledger.storage import EntryLog
from truce.model import Report
from truce.node import Node

DEEP = 20_000


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def assert_refused(r: Any) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    body = r.json()
    assert "\n" not in body["message"]
    assert f"{MAX_DEPTH} levels" in body["message"], body["message"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, DEEP])
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v1/ledger/entries", '{"entries":["x"],"extra":%s}'),
        ("/api/v1/session", '{"username":"chair","password":%s}'),
        ("/api/v1/reports", '{"title":%s}'),
        ("/api/v1/drafts", '{"kind":"report.filed","body":{"x":%s}}'),
        ("/api/v1/zones", '{"id":"z","name":%s}'),
    ],
)
def test_deep_api_bodies_are_refused_with_a_4xx(
    shared_api: Any, path: str, template: str, depth: int
) -> None:
    start = shared_api.node.ledger.size
    body = template % nested(depth)
    r = shared_api.client("chair").post(
        path, content=body, headers={"Content-Type": "application/json"}
    )
    assert_refused(r)
    assert shared_api.node.ledger.size == start


def test_a_deep_signed_entry_in_a_batch_is_refused(shared_api: Any) -> None:
    leaf = ('{"author":"ru","body":' + nested(DEEP) + "}").encode() + bytes(64)
    r = shared_api.client("ru-officer").post(
        "/api/v1/ledger/entries", json={"entries": [base64.b64encode(leaf).decode()]}
    )
    assert_refused(r)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a":"' + "[" * 10_000 + '\\"[[[","b":[[1]]}'
    assert not deeper_than(text)
    assert not deeper_than(text.encode())
    assert deeper_than(nested(MAX_DEPTH + 1))
    assert not deeper_than(nested(MAX_DEPTH))
    assert not deeper_than("[]" * 10_000)


def truce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )


def test_a_deep_entry_appended_by_hand_is_a_one_line_error(
    tmp_path: Path, sample_report: dict
) -> None:
    settings = Settings(home=tmp_path / "home")
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        node.file_report("ru", Report.model_validate(sample_report))
        size = node.ledger.size
    leaf = ('{"author":"ru","body":' + nested(DEEP) + "}").encode() + bytes(64)
    with EntryLog(settings.home / "ledger") as log:
        log.append([leaf])
    for args in (("ledger", "verify"), ("incidents",)):
        proc = truce(settings.home, *args)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
        assert f"{MAX_DEPTH} levels" in proc.stderr, proc.stderr
        assert f"entry {size}" in proc.stderr or f"index {size}" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("report", "add", "{file}", "--as", "ru"),
        ("zone", "add", "{file}", "--as", "center"),
        (
            "entry",
            "sign",
            "--key",
            "{key}",
            "--author",
            "ru",
            "--kind",
            "report.filed",
            "--body",
            "{file}",
            "--seq",
            "1",
        ),
    ],
)
def test_deep_cli_input_files_are_a_one_line_error(node: Node, tmp_path: Path, args: tuple) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(deep_object(DEEP))
    key = tmp_path / "key"
    key.write_text("not a key")
    home = node.settings.home
    node.close()
    argv = [a.format(file=deep, key=key) for a in args]
    proc = truce(home, *argv)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert f"{MAX_DEPTH} levels" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr
