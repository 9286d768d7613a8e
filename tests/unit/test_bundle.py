"""Proof bundles: one entry, checked offline against a witness policy; any alteration is caught."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from truce.errors import CheckpointError, LedgerError, ProofError
from truce.ledger.bundle import LedgerSource, check_bundle, make_bundle
from truce.ledger.cosign import add_cosignatures, add_witness, cosigned_checkpoint
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.note import Note
from truce.ledger.policy import Policy
from truce.ledger.witness import CosignatureSigner, merge_signatures

ORIGIN = "truce.test/bundles"
NOW = 1_800_000_000


def register(key: SigningKey, author: str) -> Entry:
    body = {
        "id": author,
        "name": author.upper(),
        "kind": "party",
        "public_key": base64.b64encode(key.public_key.raw).decode(),
    }
    return Entry.sign(
        key, origin=ORIGIN, kind="party.registered", author=author, seq=1, prev=None, body=body
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    log = Ledger.create(tmp_path / "log", ORIGIN)
    keys = {"ru": SigningKey.generate(), "tr": SigningKey.generate()}
    log.append([register(keys["ru"], "ru"), register(keys["tr"], "tr")])
    for i in range(40):
        author = "ru" if i % 2 else "tr"
        seq, prev = log.next_position(author)
        log.append(
            [
                Entry.sign(
                    keys[author],
                    origin=ORIGIN,
                    kind="report.filed",
                    author=author,
                    seq=seq,
                    prev=prev,
                    body={"title": f"report {i}"},
                )
            ]
        )
    witnesses = {p: CosignatureSigner(f"{p}.witness", SigningKey.generate()) for p in keys}
    note = Note.parse(cosigned_checkpoint(log))
    for w in witnesses.values():
        add_witness(log, w.vkey)
        cosigned = merge_signatures(note, [w.cosign(note.text, NOW)]).to_text()
        add_cosignatures(log, cosigned, now=NOW)
    policy = Policy(
        log.verifier, tuple((p, w.verifier) for p, w in witnesses.items()), len(witnesses)
    )
    yield {"log": log, "keys": keys, "witnesses": witnesses, "policy": policy}
    log.close()


def bundle_of(world: dict[str, Any], index: int) -> dict[str, Any]:
    made = make_bundle(LedgerSource(world["log"]), index, policy=world["policy"], now=NOW)
    return json.loads(json.dumps(made))  # what a file holds


def test_a_bundle_checks_offline_with_nothing_else(world: dict[str, Any]) -> None:
    bundle = bundle_of(world, 17)
    assert set(bundle) == {"format", "entry", "registration", "checkpoint", "policy"}
    result = check_bundle(bundle, now=NOW)
    assert (result.index, result.entry.author, result.checkpoint.size) == (17, "ru", 42)
    assert result.cosigners == ("ru.witness", "tr.witness") and result.keys_from_bundle
    trusted = check_bundle(bundle, policy=world["policy"], now=NOW)
    assert not trusted.keys_from_bundle


def test_a_registration_entry_proves_itself(world: dict[str, Any]) -> None:
    bundle = bundle_of(world, 1)
    assert "registration" not in bundle
    assert check_bundle(bundle, now=NOW).entry.kind == "party.registered"


def test_without_a_policy_the_most_cosigned_checkpoint_is_used(world: dict[str, Any]) -> None:
    log: Ledger = world["log"]
    seq, prev = log.next_position("tr")
    log.append(
        [
            Entry.sign(
                world["keys"]["tr"],
                origin=ORIGIN,
                kind="report.filed",
                author="tr",
                seq=seq,
                prev=prev,
                body={"title": "after the cosignatures"},
            )
        ]
    )
    witnesses = [w.verifier for w in world["witnesses"].values()]
    bundle = make_bundle(LedgerSource(log), 5, witnesses=witnesses, now=NOW)
    assert check_bundle(bundle, now=NOW).checkpoint.size == 42  # not the newer, uncosigned 43
    assert len(bundle["policy"]["witnesses"]) == 2
    with pytest.raises(CheckpointError, match=r"has 0 of the 2 .*missing: ru\.witness, tr"):
        make_bundle(LedgerSource(log), 42, policy=world["policy"], now=NOW)
    with pytest.raises(CheckpointError, match="no checkpoint covers entry 43"):
        make_bundle(LedgerSource(log), 43, policy=world["policy"], now=NOW)


def _flip(b64: str, at: int) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[at] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("alter", "error", "message"),
    [
        (lambda b: b["entry"].update(leaf=_flip(b["entry"]["leaf"], -1)), ProofError, "not in"),
        (lambda b: b["entry"].update(index=18), ProofError, "entry 18 is not in"),
        (
            lambda b: b["entry"]["inclusion_proof"].__setitem__(
                0, _flip(b["entry"]["inclusion_proof"][0], 0)
            ),
            ProofError,
            "not in the checkpoint",
        ),
        (
            lambda b: b["registration"].update(leaf=_flip(b["registration"]["leaf"], -1)),
            ProofError,
            "registration 0 is not in",
        ),
        (lambda b: b["registration"].update(index=1), ProofError, "registration 1 is not in"),
        (
            lambda b: b.update(checkpoint=b["checkpoint"].replace("\n42\n", "\n41\n")),
            CheckpointError,
            "does not verify",
        ),
        (
            lambda b: b.update(checkpoint="\n".join(b["checkpoint"].split("\n")[:-2]) + "\n"),
            CheckpointError,
            "missing: tr.witness",
        ),
        (lambda b: b.update(format="something/v9"), ProofError, "not a truce-proof-bundle/v1"),
    ],
)
def test_any_alteration_is_caught(
    world: dict[str, Any], alter: Any, error: type[LedgerError], message: str
) -> None:
    bundle = bundle_of(world, 17)
    check_bundle(copy.deepcopy(bundle), now=NOW)
    alter(bundle)
    with pytest.raises(error, match=message):
        check_bundle(bundle, now=NOW)


def test_an_entry_signed_by_another_key_is_refused(world: dict[str, Any]) -> None:
    bundle = bundle_of(world, 17)
    entry = Entry.from_leaf(base64.b64decode(bundle["entry"]["leaf"]))
    forged = Entry.sign(
        SigningKey.generate(),
        origin=ORIGIN,
        kind=entry.kind,
        author=entry.author,
        seq=entry.seq,
        prev=entry.prev,
        body=entry.body,
        time=entry.time,
        mode=entry.mode,
    )
    bundle["entry"]["leaf"] = base64.b64encode(forged.leaf).decode()
    with pytest.raises(ProofError, match="not in the checkpoint"):
        check_bundle(bundle, now=NOW)


def test_the_checkers_own_keys_override_the_bundles(world: dict[str, Any]) -> None:
    bundle = bundle_of(world, 17)
    stranger = CosignatureSigner("ru.witness", SigningKey.generate())
    trusted = Policy(world["log"].verifier, (("ru", stranger.verifier),), 1)
    with pytest.raises(CheckpointError, match=r"missing: ru\.witness"):
        check_bundle(bundle, policy=trusted, now=NOW)
    other_log = Ledger.create(Path(world["log"].directory).parent / "other", ORIGIN)
    with pytest.raises(CheckpointError, match="0 valid signature"):
        check_bundle(bundle, policy=Policy(other_log.verifier), now=NOW)
    other_log.close()


def test_a_bundle_file_that_repeats_a_key_is_refused(world: dict[str, Any]) -> None:
    """Two readers may take different values of a repeated key (one checks the signature, the
    other reads the record): a bundle file repeating one is refused, naming the key."""
    text = json.dumps(bundle_of(world, 17))
    assert check_bundle(text, now=NOW).entry.kind  # the file as made checks
    forged = text.replace('"format":', '"entry": {"index": 3}, "format":', 1)
    with pytest.raises(ProofError, match="duplicate object key 'entry'"):
        check_bundle(forged, now=NOW)
    with pytest.raises(ProofError, match="not JSON: NaN is not a JSON number"):
        check_bundle(text.replace('"format":', '"x": NaN, "format":', 1), now=NOW)
