"""C2SP tlog-cosignature (Ed25519 cosignature/v1) and the witness policy."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from truce.errors import CheckpointError, ValidationError
from truce.ledger.keys import SigningKey
from truce.ledger.note import Checkpoint, Note, NoteSigner, sign_checkpoint
from truce.ledger.policy import Policy
from truce.ledger.witness import (
    CosignatureSigner,
    CosignatureVerifier,
    merge_signatures,
    verify_cosignatures,
)

NOW = 1_700_000_000
SEED = bytes(range(32))


@pytest.fixture
def log() -> NoteSigner:
    return NoteSigner("example.org/log", SigningKey.generate())


@pytest.fixture
def note(log: NoteSigner) -> str:
    return sign_checkpoint(Checkpoint("example.org/log", 12, hashlib.sha256(b"r").digest()), log)


def witness(name: str, seed: bytes | None = None) -> CosignatureSigner:
    key = SigningKey.from_seed(seed) if seed else SigningKey.generate()
    return CosignatureSigner(name, key)


def test_cosignature_bytes_follow_the_spec(note: str) -> None:
    w = witness("witness.example/w1", SEED)
    sig = w.cosign(Note.parse(note).text, NOW)
    public = w.signing_key.public_key.raw
    key_id = hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert sig.key_hash == int.from_bytes(key_id, "big")
    assert sig.sig_bytes[:8] == NOW.to_bytes(8, "big")
    message = f"cosignature/v1\ntime {NOW}\n".encode() + Note.parse(note).text.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(sig.sig_bytes[8:], message)  # no raise
    line = sig.to_line()
    assert line.startswith("— witness.example/w1 ")
    assert base64.b64decode(line.split(" ")[2])[:4] == key_id
    encoded = base64.b64encode(b"\x04" + public).decode()
    assert w.vkey == f"witness.example/w1+{key_id.hex()}+{encoded}"


def test_vkey_round_trip_and_refusals(log: NoteSigner) -> None:
    w = witness("w1")
    assert CosignatureVerifier.from_vkey(w.vkey) == w.verifier
    with pytest.raises(CheckpointError, match=r"is a log \(note\) key, type 0x01"):
        CosignatureVerifier.from_vkey(log.vkey)
    name, _, key = w.vkey.split("+", 2)
    with pytest.raises(CheckpointError, match="does not match the key"):
        CosignatureVerifier.from_vkey(f"{name}+00000000+{key}")
    with pytest.raises(CheckpointError, match="not of the form"):
        CosignatureVerifier.from_vkey("w1")


def test_a_cosignature_verifies_only_over_its_own_checkpoint(note: str, log: NoteSigner) -> None:
    w = witness("w1")
    text = Note.parse(note).text
    sig = w.cosign(text, NOW)
    assert w.verifier.verify(text, sig, now=NOW).timestamp == NOW
    other = Checkpoint("example.org/log", 13, hashlib.sha256(b"r").digest()).to_text()
    with pytest.raises(CheckpointError, match="does not verify"):
        w.verifier.verify(other, sig, now=NOW)
    forged = type(sig)(sig.name, sig.key_hash, (NOW + 1).to_bytes(8, "big") + sig.sig_bytes[8:])
    with pytest.raises(CheckpointError, match="does not verify"):
        w.verifier.verify(text, forged, now=NOW)


def test_a_cosignature_from_the_future_names_the_skew(note: str) -> None:
    w = witness("w1")
    text = Note.parse(note).text
    sig = w.cosign(text, NOW + 3600)
    with pytest.raises(CheckpointError, match=r"3600 s ahead of this machine's clock"):
        w.verifier.verify(text, sig, now=NOW)
    assert w.verifier.verify(text, sig, now=NOW + 3400).timestamp == NOW + 3600
    assert w.verifier.verify(text, sig, now=NOW, max_skew=None).timestamp == NOW + 3600


def test_merging_keeps_one_line_per_key_the_latest(note: str) -> None:
    w1, w2 = witness("w1"), witness("w2")
    parsed = Note.parse(note)
    merged = merge_signatures(parsed, [w1.cosign(parsed.text, NOW), w2.cosign(parsed.text, NOW)])
    merged = merge_signatures(merged, [w1.cosign(parsed.text, NOW + 5)])
    assert [s.name for s in merged.signatures] == ["example.org/log", "w1", "w2"]
    found = verify_cosignatures(merged, [w1.verifier, w2.verifier], now=NOW + 5)
    assert {(c.name, c.timestamp) for c in found} == {("w1", NOW + 5), ("w2", NOW)}
    assert Note.parse(merged.to_text()).to_text() == merged.to_text()


# --- policy ---------------------------------------------------------------------------------------


def write_policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_policy_file_round_trip_and_check(tmp_path: Path, log: NoteSigner, note: str) -> None:
    ru, tr = witness("ru.witness"), witness("tr.witness")
    path = write_policy(
        tmp_path,
        f"log: {log.vkey}\nwitnesses:\n  ru: {ru.vkey}\n  tr: {tr.vkey}\nquorum: all\n",
    )
    policy = Policy.from_file(path)
    assert policy.quorum == 2 and policy.describe().endswith("all ru.witness, tr.witness")
    assert Policy.from_dict(policy.to_dict()) == policy
    text = Note.parse(note).text
    only_ru = merge_signatures(Note.parse(note), [ru.cosign(text, NOW)]).to_text()
    with pytest.raises(CheckpointError, match=r"has 1 of the 2 .* missing: tr\.witness"):
        policy.check(only_ru, now=NOW)
    both = merge_signatures(Note.parse(only_ru), [tr.cosign(text, NOW)]).to_text()
    assert policy.check(both, now=NOW).signers == ["ru.witness", "tr.witness"]
    one_of_two = Policy(policy.log, policy.witnesses, 1)
    assert one_of_two.check(only_ru, now=NOW).signers == ["ru.witness"]


def test_policy_rejects_a_forged_cosignature_even_if_the_quorum_is_met(
    log: NoteSigner, note: str
) -> None:
    ru, tr = witness("ru.witness"), witness("tr.witness")
    text = Note.parse(note).text
    good = ru.cosign(text, NOW)
    bad = tr.cosign(text + "x\n", NOW)  # tr's key, over another text
    policy = Policy(log.verifier, (("ru", ru.verifier), ("tr", tr.verifier)), 1)
    forged = merge_signatures(Note.parse(note), [good, bad]).to_text()
    with pytest.raises(CheckpointError, match=r"cosignature by tr\.witness.* does not verify"):
        policy.check(forged, now=NOW)


def test_policy_requires_the_log_signature(note: str) -> None:
    other_log = NoteSigner("example.org/log", SigningKey.generate())
    with pytest.raises(CheckpointError, match="0 valid signature"):
        Policy(other_log.verifier).check(note)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("witnesses: {}\n", "'log'"),
        ("log: nope\n", "log: verifier key"),
        ("log: {log}\nquorum: 3\n", "quorum 3"),
        ("log: {log}\nquorum: most\n", "quorum must be 'all' or a number"),
        ("log: {log}\nwitnesses:\n  ru: {log}\n", "witnesses.ru: .*type 0x01"),
        ("log: {log}\nextra: 1\n", "unknown key"),
        ("log: [unclosed\n", r"line \d+: not valid YAML"),
    ],
)
def test_bad_policy_files_name_the_problem(
    tmp_path: Path, log: NoteSigner, body: str, message: str
) -> None:
    path = write_policy(tmp_path, body.replace("{log}", log.vkey))
    with pytest.raises(ValidationError, match=message):
        Policy.from_file(path)
