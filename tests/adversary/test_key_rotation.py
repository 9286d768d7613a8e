"""A party takes its key back from the center: ``party.key_rotated`` (issue 23).

A party registered on the center's node has its first key in the center's custody, so the
center could sign as it. Rotating onto a key made on the party's own machine, signed with the
retiring key and proven by the new one, ends that: from the entry on, the log accepts the
party's entries only under the new key — on append, on reopen, in ``verify``, in mirrors' batch
checks and in proof bundles.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from truce.config import Settings
from truce.errors import ConfigError, LedgerError, SignatureError
from truce.ledger.batch import rotation_message
from truce.ledger.bundle import LedgerSource, check_bundle, make_bundle
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.verify import verify_ledger
from truce.model import Report
from truce.node import Node


def signed(node: Node, key: SigningKey, body: dict, kind: str = "report.filed") -> Entry:
    seq, prev = node.ledger.next_position("ru")
    return Entry.sign(
        key,
        origin=node.ledger.origin,
        kind=kind,
        author="ru",
        seq=seq,
        prev=prev,
        body=Report.model_validate(body).to_body() if kind == "report.filed" else body,
        mode="client",
    )


def test_after_rotation_only_the_new_key_acts_for_the_party(
    node: Node, sample_report: dict
) -> None:
    old = node.signing_key("ru")
    node.file_report("ru", Report.model_validate(sample_report))
    new = SigningKey.generate()
    node.rotate_key("ru", new, keep=False, reason="the party keeps its own key")
    # The center's node can no longer sign as ru ...
    with pytest.raises(ConfigError, match=r"no key|rotated"):
        node.file_report("ru", Report.model_validate(sample_report))
    # ... nor can anyone with the retired key, even signing it themselves ...
    with pytest.raises(SignatureError):
        node.append_signed([signed(node, old, sample_report)])
    # ... while the party, with its own key, can.
    index = node.append_signed([signed(node, new, sample_report)])
    parties = {p["id"]: p["public_key"] for p in node.parties()}
    assert parties["ru"] == base64.b64encode(new.public_key.raw).decode()
    verify_ledger(node.ledger)
    bundle = make_bundle(LedgerSource(node.ledger), index)
    assert len(bundle["rotations"]) == 1
    assert check_bundle(bundle).entry.author == "ru"
    del bundle["rotations"]  # without the key history the entry does not check
    with pytest.raises(LedgerError):
        check_bundle(bundle)
    directory = node.ledger.directory
    size = node.ledger.size
    node.close()
    (directory / "state.json").unlink()  # reopening replays the rotation from the log itself
    with Ledger.open(directory) as log:
        assert log.size == size
        assert log.key("ru") == new.public_key


def test_a_rotation_without_the_new_keys_proof_is_refused(node: Node) -> None:
    new, other = SigningKey.generate(), SigningKey.generate()
    raw = new.public_key.raw
    body = {
        "public_key": base64.b64encode(raw).decode(),
        # signed by a key that is not the one named: no proof of possession
        "proof": base64.b64encode(
            other.sign(rotation_message(node.ledger.origin, "ru", raw))
        ).decode(),
    }
    start = node.ledger.size
    with pytest.raises(LedgerError, match="proof"):
        node.append_signed([signed(node, node.signing_key("ru"), body, "party.key_rotated")])
    assert node.ledger.size == start


def test_rotation_inside_a_large_batch_checked_on_every_core(
    tmp_path: Path, sample_report: dict
) -> None:
    """Entries after a rotation, in the same batch, checked by workers holding the old key."""
    settings = Settings(home=tmp_path / "home")
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        old = node.signing_key("ru")
        new = SigningKey.generate()
        body = Report.model_validate(sample_report).to_body()
        raw = new.public_key.raw
        rotation = {
            "public_key": base64.b64encode(raw).decode(),
            "proof": base64.b64encode(
                new.sign(rotation_message(node.ledger.origin, "ru", raw))
            ).decode(),
        }
        seq, prev = node.ledger.next_position("ru")
        leaves = []
        for i in range(2600):
            kind, key = ("party.key_rotated", old) if i == 700 else ("report.filed", None)
            key = key or (old if i < 700 else new)
            e = Entry.sign(
                key,
                origin=node.ledger.origin,
                kind=kind,
                author="ru",
                seq=seq,
                prev=prev,
                body=rotation if kind == "party.key_rotated" else body,
                mode="client",
            )
            leaves.append(e.leaf)
            seq, prev = seq + 1, e.hash.hex()
        node.ledger.append(leaves)
        verify_ledger(node.ledger)


def test_rotate_key_command_hands_the_key_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
        )

    assert run("init").returncode == 0
    assert run("party", "add", "ru", "--name", "Russian Federation").returncode == 0
    out = tmp_path / "ru-own.key"
    proc = run("party", "rotate-key", "ru", "--out", str(out), "--reason", "handover")
    assert proc.returncode == 0, proc.stderr
    assert "keeps no copy" in proc.stdout
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert not (home / "keys" / "ru.key").exists()
    proc = run("ledger", "verify")
    assert proc.returncode == 0, proc.stderr
    proc = run("party", "rotate-key", "ru")  # the node holds no key for ru any more
    assert proc.returncode != 0 and "no key" in proc.stderr, proc.stderr
