"""Any tampering with the stored log is reported by verification, with the entry's index."""

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.errors import CheckpointError, LedgerError
from truce.ledger.log import Ledger
from truce.ledger.storage import EntryLog
from truce.ledger.verify import verify_ledger
from truce.model import Report
from truce.node import Node


@pytest.fixture
def filled(node: Node, sample_report: dict) -> Path:
    for i in range(6):
        sample_report["title"] = f"report {i}"
        node.file_report("ru" if i % 2 else "tr", Report.model_validate(sample_report))
    verify_ledger(node.ledger)
    directory = node.ledger.directory
    node.close()
    return directory


def records(directory: Path) -> list[bytes]:
    with EntryLog(directory) as log:
        return [
            struct.pack(">I", len(leaf))
            + leaf
            + (directory / "entries.log").read_bytes()[
                log.offset(i) + 4 + len(leaf) : log.offset(i) + 8 + len(leaf)
            ]
            for i, leaf in log.iter()
        ]


def rewrite(directory: Path, recs: list[bytes]) -> None:
    (directory / "entries.log").write_bytes(b"".join(recs))
    (directory / "entries.idx").unlink()  # let the log re-index what is there


def entry_at(directory: Path, offset: int) -> int:
    with EntryLog(directory) as log:
        return max(i for i in range(log.size) if log.offset(i) <= offset)


def verify(directory: Path) -> None:
    with Ledger.open(directory) as log:
        verify_ledger(log)


@given(st.data())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_flipped_byte_is_reported_with_its_index(filled: Path, data: st.DataObject) -> None:
    path = filled / "entries.log"
    original = path.read_bytes()
    with EntryLog(filled) as log:
        last_start = log.offset(log.size - 1)
    offset = data.draw(st.integers(0, last_start - 1), label="offset")
    bit = data.draw(st.integers(0, 7), label="bit")
    damaged = bytearray(original)
    damaged[offset] ^= 1 << bit
    path.write_bytes(bytes(damaged))
    try:
        with pytest.raises(LedgerError) as info:
            verify(filled)
        assert info.value.index == entry_at(filled, offset)
    finally:
        path.write_bytes(original)


def test_reordered_entries_are_reported(filled: Path) -> None:
    recs = records(filled)
    recs[3], recs[4] = recs[4], recs[3]
    rewrite(filled, recs)
    with pytest.raises(LedgerError) as info:
        verify(filled)
    assert info.value.index == 3


def test_deleted_entry_is_reported(filled: Path) -> None:
    recs = records(filled)
    del recs[4]
    rewrite(filled, recs)
    with pytest.raises(LedgerError) as info:
        verify(filled)
    assert info.value.index is not None and info.value.index <= 4


def test_truncated_log_is_refused_by_its_own_signed_state(filled: Path) -> None:
    rewrite(filled, records(filled)[:-2])
    (filled / "checkpoint").unlink()  # the signed state.json still says how far it verified
    before = (filled / "entries.log").read_bytes()
    with pytest.raises(LedgerError, match="missing or damaged") as info:
        Ledger.open(filled)
    assert info.value.index == 6
    assert (filled / "entries.log").read_bytes() == before
    assert not (filled / "checkpoint").exists()  # nothing re-signed


def test_truncated_log_against_its_checkpoint(filled: Path) -> None:
    checkpoint = (filled / "checkpoint").read_text()
    rewrite(filled, records(filled)[:-2])
    (filled / "checkpoint").unlink()  # the operator re-signs a shorter history...
    (filled / "state.json").unlink()  # ...and removes every trace of the longer one
    with Ledger.open(filled) as log:
        with pytest.raises(LedgerError, match="missing") as info:
            verify_ledger(log, checkpoint_note=checkpoint)  # ...but a party kept the old one
        assert info.value.index == log.size


def test_checkpoint_that_does_not_match(filled: Path) -> None:
    path = filled / "checkpoint"
    lines = path.read_text().split("\n")
    lines[2] = "A" * 43 + "="  # another root, the old signature
    forged = "\n".join(lines)
    with Ledger.open(filled) as log, pytest.raises(CheckpointError):
        verify_ledger(log, checkpoint_note=forged)


def test_stored_tree_hash_tampering_is_reported(filled: Path) -> None:
    level1 = filled / "tree" / "level-01.bin"
    data = bytearray(level1.read_bytes())
    data[40] ^= 1
    level1.write_bytes(bytes(data))
    with pytest.raises(LedgerError):
        verify(filled)
