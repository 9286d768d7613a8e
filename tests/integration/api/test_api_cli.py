"""Client mode from the command line: a party signs on its own machine and submits, to a
server over HTTP with its token, and is refused when it replays or signs for another party."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Api


def truce(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "TRUCE_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=full
    )


@pytest.mark.slow
def test_sign_on_the_partys_machine_and_submit_to_the_server(
    api: Api, tmp_path: Path, sample_report: dict
) -> None:
    key = tmp_path / "ru.key"
    api.node.signing_key("ru").save(key)  # the party's own copy of its key, on its machine
    body = tmp_path / "report.json"
    body.write_text(json.dumps(sample_report))
    home = tmp_path / "elsewhere"  # the party's machine has no data directory of the log
    env = {"TRUCE_TOKEN": api.tokens["ru-officer"]}
    sign = ["entry", "sign", "--key", str(key), "--author", "ru", "--kind", "report.filed"]
    signed = truce(*sign, "--body", str(body), "--server", api.base, home=home, env=env)
    assert signed.returncode == 0, signed.stderr
    leaf = tmp_path / "signed.txt"
    leaf.write_text(signed.stdout)
    sent = truce("entry", "submit", str(leaf), "--server", api.base, home=home, env=env)
    assert sent.returncode == 0 and "appended 1 entries" in sent.stdout, sent.stderr
    index = int(sent.stdout.split()[-1])
    entry = api.client("analyst").get(f"/api/v1/ledger/entries/{index}").json()
    assert entry["mode"] == "client" and entry["author"] == "ru"

    again = truce("entry", "submit", str(leaf), "--server", api.base, home=home, env=env)
    assert again.returncode != 0 and "server:" in again.stderr  # replayed: the chain refuses it
    as_tr = truce(
        *sign[:4],
        "--author",
        "tr",
        *sign[6:],
        "--body",
        str(body),
        "--server",
        api.base,
        home=home,
        env={"TRUCE_TOKEN": api.tokens["tr-officer"]},
    )
    assert as_tr.returncode == 0  # signing is local; the server judges the signature
    leaf.write_text(as_tr.stdout)
    forged = truce(
        "entry",
        "submit",
        str(leaf),
        "--server",
        api.base,
        home=home,
        env={"TRUCE_TOKEN": api.tokens["tr-officer"]},
    )
    assert forged.returncode != 0 and "signature" in forged.stderr
