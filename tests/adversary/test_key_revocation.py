"""A stolen signing key revoked with the party's offline recovery key (issue 23).

A thief who copies a party's signing key can sign as the party, and can rotate the party onto a
key of their own before the party notices: a retirement signed with the old key proves nothing.
A party that registered a recovery key (kept offline) revokes the stolen key with a
``party.key_rotated`` entry signed with a new key and authorized by the recovery key. From that
entry on, neither the stolen key nor the thief's key signs anything for the party — on append,
on reopen, in ``verify``, in a mirror, in a proof bundle — and the thief can neither take the
recovery key away nor replay the party's recovery signature.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from truce.config import Settings
from truce.errors import ConflictError, SignatureError
from truce.ledger.batch import recovery_message, rotation_message
from truce.ledger.bundle import LedgerSource, check_bundle, make_bundle
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.mirror import Mirror
from truce.ledger.tiles import publish
from truce.ledger.verify import verify_ledger
from truce.model import Report
from truce.node import Node


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def signed(node: Node, key: SigningKey, body: dict[str, Any], kind: str) -> Entry:
    seq, prev = node.ledger.next_position("ru")
    return Entry.sign(
        key,
        origin=node.ledger.origin,
        kind=kind,
        author="ru",
        seq=seq,
        prev=prev,
        body=body,
        mode="client",
    )


def report(sample: dict[str, Any]) -> dict[str, Any]:
    return Report.model_validate(sample).to_body()


def rotation(node: Node, new: SigningKey, **more: str) -> dict[str, Any]:
    raw = new.public_key.raw
    proof = new.sign(rotation_message(node.ledger.origin, "ru", raw))
    return {"public_key": b64(raw), "proof": b64(proof), **more}


def recovery_rotation(node: Node, new: SigningKey, recovery: SigningKey, seq: int) -> Entry:
    """The party's revocation: signed with ``new``, authorized by ``recovery`` at ``seq``."""
    raw = new.public_key.raw
    sig = recovery.sign(recovery_message(node.ledger.origin, "ru", seq, raw))
    body = rotation(node, new, recovery_signature=b64(sig), reason="key stolen")
    return signed(node, new, body, "party.key_rotated")


@pytest.fixture
def node(tmp_path: Path) -> Any:
    with Node.init(Settings(home=tmp_path / "home")) as n:
        yield n


def test_the_recovery_key_revokes_a_stolen_key_and_the_thiefs_own(
    node: Node, sample_report: dict[str, Any], tmp_path: Path
) -> None:
    recovery = SigningKey.generate()
    node.add_party("ru", "Russian Federation", recovery_key=recovery.public_key)
    stolen = node.signing_key("ru")  # the thief's copy of the custodial key
    node.append_signed([signed(node, stolen, report(sample_report), "report.filed")])
    # The thief moves the party onto a key of their own, with the stolen one ...
    thiefs = SigningKey.generate()
    node.append_signed([signed(node, stolen, rotation(node, thiefs), "party.key_rotated")])
    # ... and cannot take the recovery key away: only the recovery key replaces itself.
    grab = rotation(node, SigningKey.generate(), recovery_key=b64(thiefs.public_key.raw))
    size = node.ledger.size
    with pytest.raises(ConflictError, match="recovery key"):
        node.append_signed([signed(node, thiefs, grab, "party.key_rotated")])
    assert node.ledger.size == size

    # The party revokes, with its recovery key and a key made on its own machine.
    own = SigningKey.generate()
    entry = node.recover_key("ru", own, recovery, reason="key stolen")
    assert entry.kind == "party.key_rotated"
    entry.verify(own.public_key)  # signed with the new key, not the stolen one
    assert node.ledger.key("ru") == own.public_key

    # Neither the stolen key nor the thief's signs for the party any more ...
    for key in (stolen, thiefs):
        with pytest.raises(SignatureError):
            node.append_signed([signed(node, key, report(sample_report), "report.filed")])
    # ... nor can the thief recover again with a recovery signature that is not the party's,
    # or replay the party's own at the next position of the chain.
    forged = recovery_rotation(node, thiefs, SigningKey.generate(), entry.seq + 1)
    with pytest.raises(SignatureError, match="recovery signature"):
        node.append_signed([forged])
    replayed = dict(entry.body, public_key=b64(thiefs.public_key.raw))
    replayed["proof"] = rotation(node, thiefs)["proof"]
    with pytest.raises(SignatureError, match="recovery signature"):
        node.append_signed([signed(node, thiefs, replayed, "party.key_rotated")])
    index = node.append_signed([signed(node, own, report(sample_report), "report.filed")])
    verify_ledger(node.ledger)

    # A proof bundle follows the key history through the revocation.
    bundle = make_bundle(LedgerSource(node.ledger), index)
    assert len(bundle["rotations"]) == 2
    assert check_bundle(bundle).entry.author == "ru"

    # A mirror checks the same rules as it syncs.
    tiles = tmp_path / "tiles"
    publish(node.ledger, tiles)
    mirror = Mirror.init(tmp_path / "mirror", str(tiles), node.ledger.signer.vkey)
    try:
        assert mirror.sync().size == node.ledger.size
        assert mirror.verify().size == node.ledger.size
    finally:
        mirror.close()

    # Reopened without its signed state, the log replays the revocation from itself.
    directory, size = node.ledger.directory, node.ledger.size
    node.close()
    (directory / "state.json").unlink()
    with Ledger.open(directory) as log:
        assert log.size == size and log.key("ru") == own.public_key


def test_without_a_recovery_key_nothing_can_revoke(
    node: Node, sample_report: dict[str, Any]
) -> None:
    node.add_party("ru", "Russian Federation")  # no recovery key registered
    size = node.ledger.size
    with pytest.raises(SignatureError, match="no recovery key"):
        node.append_signed(
            [recovery_rotation(node, SigningKey.generate(), SigningKey.generate(), 2)]
        )
    assert node.ledger.size == size


def test_a_rotation_sets_a_recovery_key_once_and_the_recovery_key_moves_it(
    node: Node, sample_report: dict[str, Any]
) -> None:
    node.add_party("ru", "Russian Federation")
    first = SigningKey.generate()
    new = SigningKey.generate()
    node.rotate_key("ru", new, keep=True, recovery_key=first.public_key)
    # A later ordinary rotation may not replace it ...
    with pytest.raises(ConflictError, match="recovery key"):
        node.rotate_key("ru", SigningKey.generate(), recovery_key=SigningKey.generate().public_key)
    # ... the recovery key itself may, in a recovery: then the old recovery key is done too.
    second = SigningKey.generate()
    own = SigningKey.generate()
    node.recover_key("ru", own, first, new_recovery_key=second.public_key)
    with pytest.raises(SignatureError, match="recovery signature"):
        node.append_signed([recovery_rotation(node, SigningKey.generate(), first, 4)])
    node.recover_key("ru", SigningKey.generate(), second)
    verify_ledger(node.ledger)


def test_the_recover_command_revokes_with_an_offline_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
        )

    offline = tmp_path / "ru-recovery.key"
    made = run("party", "new-key", "--out", str(offline))
    assert made.returncode == 0, made.stderr
    public = made.stdout.split("public key: ")[1].strip()
    assert oct(offline.stat().st_mode & 0o777) == "0o600"
    assert run("init").returncode == 0
    bad = run("party", "add", "ru", "--recovery-key", "not-a-key")
    assert bad.returncode != 0 and "new-key" in bad.stderr and "Traceback" not in bad.stderr
    assert run("party", "add", "ru", "--recovery-key", public).returncode == 0
    out = tmp_path / "ru-own.key"
    proc = run("party", "recover", "ru", "--recovery-key-file", str(offline), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "revoked ru's signing key" in proc.stdout
    assert not (home / "keys" / "ru.key").exists()  # the center's custodial copy is retired
    assert SigningKey.load(out).public_key.to_b64() in proc.stdout
    assert run("ledger", "verify").returncode == 0
