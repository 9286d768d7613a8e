"""The attacker's damage to a stored data directory, as an operator or a thief would do it.

Each attack is the one that broke truce in the wave-2 review (issue 23, failures 2–4): the log
must never shrink below a tree it has signed or holds cosigned, never project or sign over an
entry whose signature, author key and chain it has not checked, and ``truce ledger verify`` must
check the index and every held checkpoint. Every case runs the real ``truce`` command on a real
data directory and asserts both the refusal (a one-line error naming the index) and that nothing
was changed on disk.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from truce.config import Settings
from truce.ledger.cosign import add_cosignatures, add_witness
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.note import Note
from truce.ledger.storage import EntryLog
from truce.ledger.witness import CosignatureSigner
from truce.model import Report
from truce.node import Node

ENTRIES = 12


def truce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
    )


def snapshot(ledger: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(ledger)): p.read_bytes()
        for p in sorted(ledger.rglob("*"))
        if p.is_file() and p.name != "writer.lock"
    }


@pytest.fixture
def home(tmp_path: Path, sample_report: dict) -> Path:
    """A data directory of 12 entries whose latest checkpoint a witness has cosigned."""
    settings = Settings(home=tmp_path / "home")
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("tr", "Republic of Türkiye")
        for i in range(ENTRIES - 2):
            sample_report["title"] = f"report {i}"
            node.file_report("ru" if i % 2 else "tr", Report.model_validate(sample_report))
        witness = CosignatureSigner("un.witness", SigningKey.generate())
        add_witness(node.ledger, witness.vkey)
        note = Note.parse(node.ledger.checkpoint())
        cosigned = Note(note.text, [*note.signatures, witness.cosign(note.text)])
        add_cosignatures(node.ledger, cosigned.to_text())
    return settings.home


def ledger_dir(home: Path) -> Path:
    return home / "ledger"


def record_offsets(ledger: Path) -> list[int]:
    with EntryLog(ledger) as log:
        return [log.offset(i) for i in range(log.size)]


def assert_refused(home: Path, *, index: int, match: str) -> None:
    before = snapshot(ledger_dir(home))
    proc = truce(home, "ledger", "verify")
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    assert match in proc.stderr, proc.stderr
    assert f"index {index}" in proc.stderr or f"entry {index}" in proc.stderr, proc.stderr
    assert snapshot(ledger_dir(home)) == before, "a refused open must change nothing"
    # A command that projects is refused the same way, and signs nothing either.
    proc = truce(home, "incidents")
    assert proc.returncode != 0
    assert snapshot(ledger_dir(home)) == before


def test_a_healthy_log_verifies(home: Path) -> None:
    proc = truce(home, "ledger", "verify")
    assert proc.returncode == 0, proc.stderr
    assert f"ok: {ENTRIES} entries" in proc.stdout


def test_truncated_tail_is_refused_not_resigned_shorter(home: Path) -> None:
    """``truncate -s -10 ledger/entries.log``: the last, cosigned entry is torn."""
    path = ledger_dir(home) / "entries.log"
    os.truncate(path, path.stat().st_size - 10)
    assert_refused(home, index=ENTRIES - 1, match="missing or damaged")
    cp = (ledger_dir(home) / "checkpoint").read_text()
    assert f"\n{ENTRIES}\n" in cp  # the cosigned checkpoint was not overwritten


def test_flipped_byte_with_deleted_index_does_not_cut_the_log(home: Path) -> None:
    """One flipped byte in record 5 and no ``entries.idx``: the log is not cut to 5 entries."""
    offsets = record_offsets(ledger_dir(home))
    path = ledger_dir(home) / "entries.log"
    data = bytearray(path.read_bytes())
    data[offsets[5] + 40] ^= 0x01
    path.write_bytes(bytes(data))
    (ledger_dir(home) / "entries.idx").unlink()
    before = path.read_bytes()
    assert_refused(home, index=5, match="missing or damaged")
    assert path.read_bytes() == before


def test_entry_appended_by_hand_with_a_zero_signature_is_never_projected(home: Path) -> None:
    ledger = ledger_dir(home)
    with EntryLog(ledger) as log:
        last = Entry.from_leaf(log.read(log.size - 1))
    forged = Entry.sign(
        SigningKey.generate(),
        origin=last.origin,
        kind="response.filed",
        author="ru",
        seq=json.loads((ledger / "state.json").read_text())["heads"]["ru"][0] + 1,
        prev=json.loads((ledger / "state.json").read_text())["heads"]["ru"][1],
        body={"incident": "I-1", "stance": "deny", "statement": "forged"},
        mode="custodial",
    )
    leaf = forged.signed_bytes + bytes(64)  # a zero signature
    with EntryLog(ledger) as log:
        log.append([leaf])
    assert_refused(home, index=ENTRIES, match="entry")
    assert f"\n{ENTRIES}\n" in (ledger / "checkpoint").read_text()


def test_substituted_party_key_in_state_json_lets_nothing_in(home: Path) -> None:
    """The attacker swaps ru's key in state.json and appends an entry signed with their own."""
    ledger = ledger_dir(home)
    attacker = SigningKey.generate()
    state = json.loads((ledger / "state.json").read_text())
    state["keys"]["ru"] = base64.b64encode(attacker.public_key.raw).decode()
    (ledger / "state.json").write_text(json.dumps(state))
    seq, prev = state["heads"]["ru"]
    with EntryLog(ledger) as log:
        origin = Entry.from_leaf(log.read(0)).origin
        forged = Entry.sign(
            attacker,
            origin=origin,
            kind="report.filed",
            author="ru",
            seq=seq + 1,
            prev=prev,
            body=Entry.from_leaf(log.read(2)).body,
            mode="custodial",
        )
        log.append([forged.leaf])
    assert_refused(home, index=ENTRIES, match="signature")


def test_unknown_author_is_a_clear_error_not_a_traceback(home: Path) -> None:
    ledger = ledger_dir(home)
    with EntryLog(ledger) as log:
        origin = Entry.from_leaf(log.read(0)).origin
        body = Entry.from_leaf(log.read(2)).body
        stranger = Entry.sign(
            SigningKey.generate(),
            origin=origin,
            kind="report.filed",
            author="xx",
            seq=1,
            prev=None,
            body=body,
            mode="custodial",
        )
        log.append([stranger.leaf])
    assert_refused(home, index=ENTRIES, match="entry")


def test_swapped_index_entry_is_found_by_verify(home: Path) -> None:
    """Two offsets swapped in entries.idx would serve one entry under another's proof."""
    idx = ledger_dir(home) / "entries.idx"
    raw = bytearray(idx.read_bytes())
    raw[3 * 8 : 4 * 8], raw[4 * 8 : 5 * 8] = raw[4 * 8 : 5 * 8], raw[3 * 8 : 4 * 8]
    idx.write_bytes(bytes(raw))
    before = snapshot(ledger_dir(home))
    proc = truce(home, "ledger", "verify")
    assert proc.returncode != 0
    assert "entry 3" in proc.stderr and "entries.idx" in proc.stderr, proc.stderr
    assert snapshot(ledger_dir(home)) == before


def test_swapped_entries_with_the_tree_deleted_contradict_the_cosigned_root(home: Path) -> None:
    """Entries of two authors swapped (each author's chain still valid), tree/ deleted so that it
    is rebuilt from the rewritten log: the witness-cosigned checkpoint holds another root."""
    ledger = ledger_dir(home)
    with EntryLog(ledger) as log:
        leaves = [leaf for _, leaf in log.iter()]
    authors = [Entry.from_leaf(leaf).author for leaf in leaves]
    i = next(i for i in range(2, len(leaves) - 1) if authors[i] != authors[i + 1])
    leaves[i], leaves[i + 1] = leaves[i + 1], leaves[i]
    (ledger / "entries.log").unlink()
    (ledger / "entries.idx").unlink()
    with EntryLog(ledger) as log:
        log.append(leaves)
    for level in (ledger / "tree").iterdir():
        level.unlink()
    before = (ledger / "entries.log").read_bytes()
    proc = truce(home, "ledger", "verify")
    assert proc.returncode != 0
    assert "root" in proc.stderr and "rewritten" in proc.stderr, proc.stderr
    assert (ledger / "entries.log").read_bytes() == before
    assert f"\n{ENTRIES}\n" in (ledger / "checkpoint").read_text()


def test_deleting_the_checkpoint_still_leaves_the_cosigned_one_as_floor(home: Path) -> None:
    ledger = ledger_dir(home)
    (ledger / "checkpoint").unlink()
    (ledger / "state.json").unlink()
    path = ledger / "entries.log"
    offsets = record_offsets(ledger)
    os.truncate(path, offsets[8])
    assert_refused(home, index=8, match="checkpoints/")


def test_a_torn_unacknowledged_tail_is_still_repaired(home: Path) -> None:
    """Bytes past every signed checkpoint (a write cut by kill -9, never acknowledged) go."""
    path = ledger_dir(home) / "entries.log"
    with path.open("ab") as fh:
        fh.write(b"\x00\x00\x01\x00partial")
    proc = truce(home, "ledger", "verify")
    assert proc.returncode == 0, proc.stderr
    assert "torn tail" in proc.stderr
    assert f"ok: {ENTRIES} entries" in proc.stdout
