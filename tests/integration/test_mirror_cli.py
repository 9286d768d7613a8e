"""The mirror commands as a user runs them: real processes, three data directories, real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from truce.cli import main


@dataclass
class Ran:
    stdout: str
    stderr: str


Runner = Callable[..., Ran]


@pytest.fixture(params=["in-process", pytest.param("subprocess", marks=pytest.mark.slow)])
def truce(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Runner:
    """``truce(home, *args, code=0)``: the real entry point, in this process (fast) or as a
    separate process exactly as a user runs it (slow: the CLI imports every area)."""

    def in_process(home: Path, *args: str, code: int = 0) -> Ran:
        rc = main(["--home", str(home), *args])
        out, err = capsys.readouterr()
        assert rc == code, f"truce {' '.join(args)}: {out}{err}"
        return Ran(out, err)

    def separate(home: Path, *args: str, code: int = 0) -> Ran:
        env = {**os.environ, "TRUCE_HOME": str(home)}
        proc = subprocess.run(
            [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
        )
        assert proc.returncode == code, f"truce {' '.join(args)}: {proc.stdout}{proc.stderr}"
        return Ran(proc.stdout, proc.stderr)

    return in_process if request.param == "in-process" else separate


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    tiles = tmp_path / "tiles"
    tiles.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tiles)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield tiles, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_two_parties_mirror_cosign_and_prove_an_entry(
    truce: Runner, tmp_path: Path, served: tuple[Path, str], sample_report: dict[str, Any]
) -> None:
    tiles, url = served
    log, ru, tr = tmp_path / "log", tmp_path / "ru", tmp_path / "tr"
    truce(log, "init")
    truce(log, "party", "add", "ru", "--name", "Russian Federation")
    truce(log, "party", "add", "tr", "--name", "Republic of Türkiye")
    report = tmp_path / "report.json"
    report.write_text(json.dumps(sample_report))
    truce(log, "report", "add", str(report), "--as", "ru")
    assert "size 0 -> 3" in truce(log, "ledger", "tiles", "--out", str(tiles)).stdout
    vkey = truce(log, "ledger", "vkey").stdout.strip()

    # A wrong key is refused before anything is created.
    other = tmp_path / "other"
    truce(other, "init", "--origin", "truce.local/ledger")
    wrong = truce(other, "ledger", "vkey").stdout.strip()
    failed = truce(tmp_path / "bad", "mirror", "init", "--from", url, "--vkey", wrong, code=10)
    assert "does not verify with the log key" in failed.stderr
    assert not (tmp_path / "bad" / "mirror.json").exists()

    witness_keys = {}
    for party, home in (("ru", ru), ("tr", tr)):
        out = truce(home, "mirror", "init", "--from", url, "--vkey", vkey, "--name", f"{party}.w")
        assert "witness key: " in out.stdout
        witness_keys[party] = truce(home, "mirror", "vkey").stdout.strip()
        synced = truce(home, "mirror", "sync").stdout
        assert "verified 3 new entries (0..2)" in synced and f"cosigned by {party}.w" in synced
        truce(log, "ledger", "cosign", "--witness", witness_keys[party])
        added = truce(log, "ledger", "cosign", "--add", str(home / "ledger" / "checkpoint"))
        assert f"cosignatures accepted from {party}.w" in added.stdout
    rows = truce(log, "ledger", "checkpoint", "--signatures").stdout.splitlines()
    assert [r.split()[0] for r in rows] == ["log", "cosignature/v1", "cosignature/v1"]
    assert all(r.endswith(": ok") for r in rows)

    policy = tmp_path / "policy.yaml"
    policy.write_text(
        f"log: {vkey}\nwitnesses:\n  ru: {witness_keys['ru']}\n  tr: {witness_keys['tr']}\n"
    )
    verified = truce(log, "ledger", "verify", "--policy", str(policy)).stdout
    assert "met by the checkpoint of size 3, cosigned by ru.w, tr.w" in verified

    # The mirror is a data directory the usual verification reads.
    truce(log, "ledger", "tiles", "--out", str(tiles))
    truce(ru, "mirror", "policy", str(policy))
    truce(ru, "mirror", "sync")
    assert "cosigned by ru.w, tr.w" in truce(ru, "ledger", "verify", "--policy", str(policy)).stdout

    # A proof for a third party, checked with no data directory at all.
    bundle = tmp_path / "entry-2.json"
    truce(ru, "ledger", "proof-bundle", "--entry", "2", "--out", str(bundle))
    nowhere = tmp_path / "no-such-home"
    checked = truce(nowhere, "ledger", "check-bundle", str(bundle), "--policy", str(policy))
    assert "ok: entry 2 (report.filed, by ru, seq 2" in checked.stdout
    assert "cosigned by ru.w, tr.w" in checked.stdout
    assert not nowhere.exists()
    data = json.loads(bundle.read_text())
    data["checkpoint"] = data["checkpoint"].replace("\n3\n", "\n2\n")
    bundle.write_text(json.dumps(data))
    refused = truce(nowhere, "ledger", "check-bundle", str(bundle), code=10)
    assert "does not verify" in refused.stderr

    compared = truce(ru, "mirror", "compare", str(tr / "ledger" / "checkpoint")).stdout
    assert "consistent: same tree of 3 entries" in compared
