"""Append-only, crash-safe storage of leaves.

``entries.log`` holds records ``u32 length ‖ leaf ‖ u32 CRC-32 (of length ‖ leaf)``, big-endian.
``entries.idx`` holds one u64 offset per record, for random access; it is derived data and is
repaired from the log on open. A batch is written with one ``write`` and made durable with one
``fsync`` before :meth:`EntryLog.append` returns (group commit): an acknowledged entry survives
``kill -9`` and power loss. On open, a torn tail (a record cut short, or a last record whose
CRC fails) is truncated to the last complete record and reported in :attr:`EntryLog.repaired`
— but only beyond ``floor``, the size of the largest checkpoint the log has signed or holds
cosigned: those entries were acknowledged, so a log that no longer holds them intact is refused
(:class:`ShortLogError`, naming the first missing index) and nothing is written. Damage inside
the log is never truncated: reading or verifying reports its index.

Another process may read the log while its writer appends: :meth:`EntryLog.follower` opens it
read-only, never repairs it, and sees as many entries as it is told the writer has appended.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from truce.errors import StorageError

__all__ = ["EntryLog", "ShortLogError"]

_HEAD = struct.Struct(">I")
_CRC = struct.Struct(">I")
_OFF = struct.Struct(">Q")
_READ_CHUNK = 1 << 20


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ShortLogError(StorageError):
    """The log holds fewer intact entries than a checkpoint it signed: acknowledged entries are
    missing or damaged. Raised on open, before anything is written."""

    def __init__(self, message: str, *, intact: int, floor: int) -> None:
        super().__init__(message, index=intact)
        self.intact = intact
        self.floor = floor


class EntryLog:
    def __init__(self, directory: Path, *, floor: int = 0) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        new = not (directory / "entries.log").exists()
        new_idx = not (directory / "entries.idx").exists()
        self._log = os.open(directory / "entries.log", os.O_RDWR | os.O_CREAT, 0o644)
        self._idx = os.open(directory / "entries.idx", os.O_RDWR | os.O_CREAT, 0o644)
        if new:
            _fsync_dir(directory)
        self.repaired: str | None = None
        self._size = 0
        self._end = 0
        self._follower = False
        try:
            self._recover(floor)
        except BaseException:
            self.close()
            if new_idx:  # leave a refused directory exactly as it was found
                with contextlib.suppress(OSError):
                    (directory / "entries.idx").unlink()
            raise

    @classmethod
    def follower(cls, directory: Path) -> EntryLog:
        """A read-only view of a log another process writes; see :meth:`follow`."""
        self = cls.__new__(cls)
        self.directory = directory
        try:
            self._log = os.open(directory / "entries.log", os.O_RDONLY)
            self._idx = os.open(directory / "entries.idx", os.O_RDONLY)
        except FileNotFoundError as exc:
            raise StorageError(f"no entry log to follow in {directory}") from exc
        self.repaired = None
        self._size = self._end = 0
        self._follower = True
        return self

    def follow(self, size: int) -> None:
        """See the first ``size`` entries: the writer has appended (and indexed) that many."""
        if size <= self._size:
            return
        indexed = os.fstat(self._idx).st_size // _OFF.size
        if size > indexed:
            raise StorageError(f"the log has {indexed} indexed entries, not {size}", index=indexed)
        last = _OFF.unpack(os.pread(self._idx, _OFF.size, (size - 1) * _OFF.size))[0]
        (length,) = _HEAD.unpack(os.pread(self._log, _HEAD.size, last))
        self._size, self._end = size, last + _HEAD.size + length + _CRC.size

    # -- opening -------------------------------------------------------------------------------
    def _recover(self, floor: int) -> None:
        log_len = os.fstat(self._log).st_size
        idx_len = os.fstat(self._idx).st_size
        count = idx_len // _OFF.size
        # Trust the index only as far as it points inside the log at a record start.
        while count > 0:
            last = _OFF.unpack(os.pread(self._idx, _OFF.size, (count - 1) * _OFF.size))[0]
            if last + _HEAD.size <= log_len:
                (length,) = _HEAD.unpack(os.pread(self._log, _HEAD.size, last))
                if last + _HEAD.size + length + _CRC.size <= log_len:
                    break
            count -= 1
        if count:
            last = _OFF.unpack(os.pread(self._idx, _OFF.size, (count - 1) * _OFF.size))[0]
            (length,) = _HEAD.unpack(os.pread(self._log, _HEAD.size, last))
            end = last + _HEAD.size + length + _CRC.size
        else:
            end = 0
        # Scan forward past the index (records written but not yet indexed).
        offsets: list[int] = []
        while end < log_len:
            record = self._read_record_at(end, log_len)
            if record is None:
                break
            offsets.append(end)
            end += _HEAD.size + len(record) + _CRC.size
        intact = count + len(offsets)
        if intact < floor:
            # Nothing is written: the caller names the first bad index and points at a mirror.
            raise ShortLogError(
                f"entries.log holds {intact} intact entries, but the log signed a checkpoint "
                f"of {floor}: entries from index {intact} on are missing or damaged",
                intact=intact,
                floor=floor,
            )
        if end < log_len:
            self.repaired = (
                f"truncated a torn tail of {log_len - end} bytes after entry {count + len(offsets)}"
            )
            os.ftruncate(self._log, end)
            os.fsync(self._log)
        os.ftruncate(self._idx, count * _OFF.size)
        if offsets:
            os.pwrite(self._idx, b"".join(_OFF.pack(o) for o in offsets), count * _OFF.size)
        self._size = count + len(offsets)
        self._end = end

    def _read_record_at(self, offset: int, limit: int) -> bytes | None:
        """The leaf at ``offset`` if a whole, CRC-valid record is there, else None."""
        if offset + _HEAD.size > limit:
            return None
        head = os.pread(self._log, _HEAD.size, offset)
        (length,) = _HEAD.unpack(head)
        if offset + _HEAD.size + length + _CRC.size > limit:
            return None
        data = os.pread(self._log, length + _CRC.size, offset + _HEAD.size)
        leaf, crc = data[:length], _CRC.unpack(data[length:])[0]
        if zlib.crc32(leaf, zlib.crc32(head)) != crc:
            return None
        return leaf

    # -- reading -------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return self._size

    @property
    def end(self) -> int:
        """Byte length of ``entries.log`` as this view knows it."""
        return self._end

    @staticmethod
    def record_size(leaf: bytes) -> int:
        """Bytes the record of ``leaf`` takes in ``entries.log``."""
        return _HEAD.size + len(leaf) + _CRC.size

    @staticmethod
    def scan(directory: Path) -> Iterator[bytes]:
        """Every intact record from the start of ``entries.log``, ignoring the index, up to the
        first damaged one. Read-only: for finding where a damaged log diverges."""
        try:
            fd = os.open(directory / "entries.log", os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            limit = os.fstat(fd).st_size
            pos = 0
            while pos + _HEAD.size <= limit:
                head = os.pread(fd, _HEAD.size, pos)
                (length,) = _HEAD.unpack(head)
                if pos + _HEAD.size + length + _CRC.size > limit:
                    return
                data = os.pread(fd, length + _CRC.size, pos + _HEAD.size)
                leaf, crc = data[:length], _CRC.unpack(data[length:])[0]
                if zlib.crc32(leaf, zlib.crc32(head)) != crc:
                    return
                yield leaf
                pos += _HEAD.size + length + _CRC.size
        finally:
            os.close(fd)

    def offsets(self, start: int, stop: int) -> list[int]:
        """The index's offsets of entries ``start``..``stop`` (one read)."""
        if not 0 <= start <= stop <= self._size:
            raise IndexError((start, stop))
        raw = os.pread(self._idx, (stop - start) * _OFF.size, start * _OFF.size)
        return [o for (o,) in _OFF.iter_unpack(raw)]

    def offset(self, index: int) -> int:
        if not 0 <= index < self._size:
            raise IndexError(index)
        return int(_OFF.unpack(os.pread(self._idx, _OFF.size, index * _OFF.size))[0])

    def read(self, index: int) -> bytes:
        """The leaf at ``index``; raises :class:`StorageError` if its record is damaged."""
        leaf = self._read_record_at(self.offset(index), self._end)
        if leaf is None:
            raise StorageError(
                f"entry {index}: stored record is damaged (CRC mismatch)", index=index
            )
        return leaf

    def iter(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]:
        """Yield ``(index, leaf)`` sequentially with large reads; damage raises StorageError."""
        stop = self._size if stop is None else min(stop, self._size)
        if start >= stop:
            return
        pos = self.offset(start)
        end = self.offset(stop) if stop < self._size else self._end
        index = start
        while index < stop:
            # Read about a megabyte of whole records at a time, and walk it by offset.
            want = min(_READ_CHUNK, end - pos)
            buf = os.pread(self._log, want, pos)
            at = 0
            while index < stop:
                if at + _HEAD.size > len(buf):
                    break
                head = buf[at : at + _HEAD.size]
                (length,) = _HEAD.unpack(head)
                tail = at + _HEAD.size + length + _CRC.size
                if tail > len(buf):
                    if at == 0:  # one record larger than the read: read exactly that record
                        buf = os.pread(self._log, _HEAD.size + length + _CRC.size, pos)
                        if len(buf) < _HEAD.size + length + _CRC.size:
                            raise StorageError(
                                f"entry {index}: log ends inside a record", index=index
                            )
                        continue
                    break
                leaf = buf[at + _HEAD.size : at + _HEAD.size + length]
                (crc,) = _CRC.unpack(buf[tail - _CRC.size : tail])
                if zlib.crc32(leaf, zlib.crc32(head)) != crc:
                    raise StorageError(
                        f"entry {index}: stored record is damaged (CRC mismatch)", index=index
                    )
                yield index, leaf
                index += 1
                at = tail
            if at == 0 and index < stop:
                raise StorageError(f"entry {index}: log ends inside a record", index=index)
            pos += at

    # -- writing -------------------------------------------------------------------------------
    def append(self, leaves: Sequence[bytes], *, durable: bool = True) -> int:
        """Append ``leaves`` as one batch; returns the index of the first. Durable on return."""
        first = self._size
        if self._follower:
            raise StorageError(
                f"{self.directory} is another process's log: a follower never appends",
                hint="Send the entries to the process that writes this data directory.",
            )
        if not leaves:
            return first
        parts: list[bytes] = []
        offsets: list[bytes] = []
        pos = self._end
        for leaf in leaves:
            head = _HEAD.pack(len(leaf))
            parts += (head, leaf, _CRC.pack(zlib.crc32(leaf, zlib.crc32(head))))
            offsets.append(_OFF.pack(pos))
            pos += _HEAD.size + len(leaf) + _CRC.size
        data = b"".join(parts)
        try:
            written = os.pwrite(self._log, data, self._end)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
            if durable:
                os.fdatasync(self._log)
            os.pwrite(self._idx, b"".join(offsets), first * _OFF.size)
        except OSError as exc:
            # Disk full, a read-only or failing disk: cut what this batch wrote, so that the
            # log ends where the last acknowledged batch ended, and say so.
            with contextlib.suppress(OSError):
                os.ftruncate(self._log, self._end)
                os.ftruncate(self._idx, first * _OFF.size)
            raise StorageError(
                f"the disk refused the append ({exc.strerror or exc}): nothing was appended",
                hint="Free space on the disk or make it writable, then send the entries again.",
            ) from None
        self._end = pos
        self._size += len(leaves)
        return first

    def truncate(self, size: int) -> None:
        """Drop entries from ``size`` on (only for tests and tools that rebuild a damaged copy)."""
        if size >= self._size:
            return
        end = self.offset(size)
        os.ftruncate(self._log, end)
        os.ftruncate(self._idx, size * _OFF.size)
        os.fsync(self._log)
        self._end, self._size = end, size

    def close(self) -> None:
        for fd in (self._log, self._idx):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._log = self._idx = -1

    def __enter__(self) -> EntryLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
