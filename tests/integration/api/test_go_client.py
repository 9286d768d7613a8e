"""A client built from Go's reference tlog code follows a running truce server with no token
(issue 20): it verifies the checkpoint, a witness's cosignature on it, and a leaf's inclusion
from the public hash tiles. Needs Debian's golang-go and golang-golang-x-mod-dev (.ci/run
installs them)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Api
from gobuild import build, needs_go
from truce.ledger.cosign import add_cosignatures, add_witness
from truce.ledger.tlog_witness import Witness, request_body

pytestmark = needs_go


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("tlogclient", tmp_path_factory.mktemp("go"))


# What is served does not depend on the backend: once, on SQLite.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_go_client_follows_the_log_without_credentials(
    api: Api, client: Path, tmp_path: Path
) -> None:
    ledger = api.node.ledger
    witness = Witness.init(tmp_path / "witness", "witness.icrc.example")
    witness.add_log(ledger.verifier.vkey, ledger.origin)
    add_witness(ledger, witness.vkey)
    note = ledger.checkpoint()
    answer = witness.add_checkpoint(request_body(0, [], note))
    assert answer.status == 200, answer.body
    add_cosignatures(ledger, note + answer.body)
    index = ledger.size - 2
    leaf = tmp_path / "leaf"
    leaf.write_bytes(ledger.leaf(index))

    def run(leaf_index: int, leaf_file: Path) -> subprocess.CompletedProcess[str]:
        args = ["-url", api.base, "-vkey", ledger.verifier.vkey, "-witness", witness.vkey]
        args += ["-index", str(leaf_index), "-leaf", str(leaf_file)]
        return subprocess.run([str(client), *args], capture_output=True, text=True, timeout=60)

    done = run(index, leaf)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"ok: leaf {index} is in {ledger.origin} at size {ledger.size}")
    other = tmp_path / "other"
    other.write_bytes(ledger.leaf(index - 1))
    refused = run(index, other)  # a leaf that is not the one at that index
    assert refused.returncode == 1 and "inclusion" in refused.stdout
