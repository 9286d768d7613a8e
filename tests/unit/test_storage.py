import os
from pathlib import Path

import pytest

from truce.errors import StorageError
from truce.ledger.storage import EntryLog


def leaves(n: int, start: int = 0) -> list[bytes]:
    return [f"leaf-{i}-".encode() * (1 + i % 7) for i in range(start, start + n)]


def test_append_read_iter_and_reopen(tmp_path: Path) -> None:
    with EntryLog(tmp_path) as log:
        assert log.append(leaves(5)) == 0
        assert log.append(leaves(3, 5)) == 5
        assert [log.read(i) for i in range(8)] == leaves(8)
        assert [leaf for _, leaf in log.iter(2, 6)] == leaves(8)[2:6]
    with EntryLog(tmp_path) as log:
        assert log.size == 8 and log.repaired is None
        assert [leaf for _, leaf in log.iter()] == leaves(8)


@pytest.mark.parametrize("cut", [1, 3, 5, 9])
def test_torn_tail_is_truncated_on_open(tmp_path: Path, cut: int) -> None:
    with EntryLog(tmp_path) as log:
        log.append(leaves(4))
    path = tmp_path / "entries.log"
    os.truncate(path, path.stat().st_size - cut)
    with EntryLog(tmp_path) as log:
        assert log.size == 3
        assert log.repaired and "torn tail" in log.repaired
        assert log.append([b"next"]) == 3
        assert log.read(3) == b"next"


def test_garbage_tail_with_bad_crc_is_truncated(tmp_path: Path) -> None:
    with EntryLog(tmp_path) as log:
        log.append(leaves(2))
    with open(tmp_path / "entries.log", "ab") as f:
        f.write(b"\x00\x00\x00\x04abcd\x00\x00\x00\x00")  # whole record, wrong CRC
    with EntryLog(tmp_path) as log:
        assert log.size == 2 and log.repaired


def test_lost_index_is_rebuilt(tmp_path: Path) -> None:
    with EntryLog(tmp_path) as log:
        log.append(leaves(6))
    os.truncate(tmp_path / "entries.idx", 8 * 2)
    with EntryLog(tmp_path) as log:
        assert log.size == 6
        assert [log.read(i) for i in range(6)] == leaves(6)


def test_damage_before_the_tail_is_reported_with_its_index(tmp_path: Path) -> None:
    with EntryLog(tmp_path) as log:
        log.append(leaves(6))
        offset = log.offset(2) + 6
    with open(tmp_path / "entries.log", "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x40]))
    with EntryLog(tmp_path) as log:
        assert log.size == 6  # opening never truncates damage that is not at the tail
        with pytest.raises(StorageError, match="entry 2") as info:
            list(log.iter())
        assert info.value.index == 2
        with pytest.raises(StorageError):
            log.read(2)


def test_a_follower_sees_what_it_is_told_the_writer_appended_and_writes_nothing(
    tmp_path: Path,
) -> None:
    with EntryLog(tmp_path) as writer:
        writer.append(leaves(5))
        follower = EntryLog.follower(tmp_path)
        try:
            assert follower.size == 0 and list(follower.iter()) == []
            follower.follow(3)
            assert [leaf for _, leaf in follower.iter()] == leaves(5)[:3]
            writer.append(leaves(4, 5))
            follower.follow(9)
            assert [leaf for _, leaf in follower.iter(2)] == leaves(9)[2:]
            assert follower.read(8) == leaves(9)[8]
            follower.follow(4)  # never goes back
            assert follower.size == 9
            with pytest.raises(StorageError, match="9 indexed entries, not 10"):
                follower.follow(10)
            with pytest.raises(StorageError, match="a follower never appends"):
                follower.append(leaves(1))
        finally:
            follower.close()
        assert writer.append(leaves(1, 9)) == 9  # the writer's log is as it left it


def test_a_follower_needs_a_log(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no entry log to follow"):
        EntryLog.follower(tmp_path)
