"""Merkle tree of the ledger: RFC 6962 / RFC 9162 hashing, proofs and a store of subtree hashes.

Hashing follows RFC 6962 §2.1 (unchanged in RFC 9162 §2.1.1) with SHA-256:

* leaf hash ``SHA-256(0x00 || leaf)``; interior node ``SHA-256(0x01 || left || right)``;
* the tree over ``n > 1`` leaves splits at ``k``, the largest power of two strictly below ``n``;
* the root of the empty tree is ``SHA-256("")`` (:data:`EMPTY_ROOT`).

Inclusion proofs (audit paths) and consistency proofs are generated as defined in RFC 9162
§2.1.3.1 and §2.1.4.1 and verified with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, which
reject proofs with missing, extra or altered elements. The verifiers fail closed: every malformed
input (a hash that is not 32 bytes, an index outside the tree, sizes out of order, a proof of the
wrong length) raises :class:`~truce.errors.ProofError`. As in RFC 9162, a consistency proof is
only defined from a non-empty tree (``0 < old_size <= new_size``): every tree extends the empty
tree, so there is nothing to prove, and :func:`verify_consistency` refuses ``old_size == 0``.
RFC 6962 proofs do not bind the tree size; the size a proof is checked against must come from
the same signed checkpoint as the root.

:class:`TreeStore` keeps the hash of every *complete* subtree on disk: level ``k`` holds the
hashes of the aligned blocks of ``2**k`` leaves, in ``level-KK.bin`` as a flat array of 32-byte
hashes, so node ``(k, i)`` covers leaves ``[i * 2**k, (i + 1) * 2**k)``. Appending is amortised
O(1) per leaf. The root and the proofs of any historical size ``<= size`` are read from stored
hashes in O(log n) reads; nothing is recomputed from the leaves. This is the same data as C2SP
tlog-tiles: the tile at tile level ``L`` and index ``N`` is the 256 hashes of tree level ``8 * L``
starting at ``N * 256`` (:meth:`TreeStore.read_hashes`).

:class:`MemoryTree` is the same tree held in memory, for tests and small uses. Both share one
implementation of appending, roots and proofs.
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, NewType

from truce.errors import ProofError, StorageError, ValidationError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Hash",
    "MemoryTree",
    "TreeStore",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]

Hash = NewType("Hash", bytes)
"""A 32-byte SHA-256 tree hash (leaf, interior node or root)."""

HASH_SIZE: Final = 32
EMPTY_ROOT: Final = Hash(hashlib.sha256(b"").digest())

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"
_LEVEL_FILE: Final = re.compile(r"level-(\d{2})\.bin")
_MAX_LEVEL: Final = 63
# Hashes per read when streaming a whole level (repair and check): 2 MiB, so memory stays flat.
_CHUNK: Final = 1 << 16

_sha256 = hashlib.sha256

NodeReader = Callable[[int, int], Hash]
"""``node(level, index)``: the stored hash of complete subtree ``index`` at ``level``."""


# --- hashing -----------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> Hash:
    """RFC 6962 leaf hash: ``SHA-256(0x00 || data)``."""
    return Hash(_sha256(_LEAF_PREFIX + data).digest())


def node_hash(left: Hash, right: Hash) -> Hash:
    """RFC 6962 interior node hash: ``SHA-256(0x01 || left || right)``."""
    return Hash(_sha256(_NODE_PREFIX + left + right).digest())


def _split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[Hash]) -> Hash:
    """MTH of the given leaf hashes, straight from the RFC 6962 definition (reference code).

    O(n) hashing; use a tree store's :meth:`~MemoryTree.root` for anything large.
    """

    def mth(start: int, end: int) -> Hash:
        n = end - start
        if n == 1:
            return Hash(bytes(hashes[start]))
        k = _split(n)
        return node_hash(mth(start, start + k), mth(start + k, end))

    if not hashes:
        return EMPTY_ROOT
    return mth(0, len(hashes))


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------------------


def _require_hash(what: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise ProofError(f"{what} is not bytes")
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")
    return bytes(value)


def _require_int(what: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProofError(f"{what} is not an integer")
    if value < 0:
        raise ProofError(f"{what} is negative ({value})")
    return value


def _path_length(fn: int, sn: int) -> int:
    """How many proof hashes the RFC 9162 loop consumes starting from ``fn`` and ``sn``."""
    count = 0
    while sn:
        if not fn & 1 and fn == sn:
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        count += 1
        fn >>= 1
        sn >>= 1
    return count


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 §2.1.3.2. Returns ``None``; raises :class:`ProofError` if the proof does not verify
    or any input is malformed.
    """
    leaf = _require_hash("leaf hash", leaf_hash)
    want_root = _require_hash("root", root)
    index = _require_int("leaf index", index)
    size = _require_int("tree size", size)
    path = [_require_hash(f"proof hash {i}", p) for i, p in enumerate(proof)]
    if index >= size:
        raise ProofError(f"leaf index {index} is not in a tree of {size} leaves")
    expected = _path_length(index, size - 1)
    if len(path) != expected:
        raise ProofError(
            f"inclusion proof has {len(path)} hashes; leaf {index} of a tree of {size} "
            f"needs {expected}"
        )
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = _sha256(_NODE_PREFIX + p + r).digest()
            if not fn & 1:
                while not fn & 1 and fn:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(_NODE_PREFIX + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != want_root:
        raise ProofError(
            f"inclusion proof for leaf {index} does not lead to the root of size {size}"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``new_size`` with ``new_root`` extends the one of ``old_size``.

    RFC 9162 §2.1.4.2, with ``0 < old_size <= new_size``; equal sizes need an empty proof and
    equal roots. Returns ``None``; raises :class:`ProofError` otherwise.
    """
    first = _require_int("old tree size", old_size)
    second = _require_int("new tree size", new_size)
    first_hash = _require_hash("old root", old_root)
    second_hash = _require_hash("new root", new_root)
    path = [_require_hash(f"proof hash {i}", p) for i, p in enumerate(proof)]
    if first > second:
        raise ProofError(f"old tree size {first} is larger than new tree size {second}")
    if first == 0:
        raise ProofError(
            "a consistency proof from the empty tree is meaningless: every tree extends it"
        )
    if first == second:
        if path:
            raise ProofError(f"trees of equal size need an empty proof, got {len(path)} hashes")
        if first_hash != second_hash:
            raise ProofError(f"two different roots for the same tree size {first}")
        return
    if not path:
        raise ProofError("consistency proof is empty")
    power_of_two = first & (first - 1) == 0
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    expected = _path_length(fn, sn) + (0 if power_of_two else 1)
    if len(path) != expected:
        raise ProofError(
            f"consistency proof has {len(path)} hashes; sizes {first} and {second} need {expected}"
        )
    # Step 2: if first is an exact power of two, the proof starts at the old root.
    if power_of_two:
        path.insert(0, first_hash)
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = _sha256(_NODE_PREFIX + c + fr).digest()
            sr = _sha256(_NODE_PREFIX + c + sr).digest()
            if not fn & 1:
                while not fn & 1 and fn:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(_NODE_PREFIX + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != first_hash:
        raise ProofError(f"consistency proof does not lead to the old root of size {first}")
    if sr != second_hash:
        raise ProofError(f"consistency proof does not lead to the new root of size {second}")


# --- proof generation from stored complete subtrees --------------------------------------------


def _range_hash(node: NodeReader, start: int, n: int) -> Hash:
    """MTH of leaves ``[start, start + n)``, a subtree of the RFC recursion (``n >= 1``).

    Such a range starts at a multiple of the smallest power of two ``>= n``, so it is the
    concatenation of complete stored subtrees, one per set bit of ``n`` (largest first); its
    hash folds them from right to left. At most ``log2(n) + 1`` reads.
    """
    parts: list[Hash] = []
    pos = start
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            parts.append(node(level, pos >> level))
            pos += 1 << level
    acc = parts.pop()
    while parts:
        acc = node_hash(parts.pop(), acc)
    return acc


def _root(node: NodeReader, size: int) -> Hash:
    return EMPTY_ROOT if size == 0 else _range_hash(node, 0, size)


def _inclusion_proof(node: NodeReader, index: int, size: int) -> list[Hash]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf level first."""
    proof: list[Hash] = []
    start, m, n = 0, index, size
    while n > 1:
        k = _split(n)
        if m < k:
            # Sibling on the right: [start + k, start + n); complete unless n is the right edge.
            proof.append(_range_hash(node, start + k, n - k))
            n = k
        else:
            # Sibling on the left: [start, start + k) is always complete.
            level = k.bit_length() - 1
            proof.append(node(level, start >> level))
            start, m, n = start + k, m - k, n - k
    proof.reverse()
    return proof


def _consistency_proof(node: NodeReader, old_size: int, new_size: int) -> list[Hash]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1 (``0 < old_size <= new_size``)."""
    proof: list[Hash] = []
    start, m, n, whole = 0, old_size, new_size, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(_range_hash(node, start + k, n - k))
            n = k
        else:
            level = k.bit_length() - 1
            proof.append(node(level, start >> level))
            start, m, n, whole = start + k, m - k, n - k, False
    if not whole:
        proof.append(_range_hash(node, start, m))
    proof.reverse()
    return proof


# --- stores ------------------------------------------------------------------------------------


def _check_leaf_hashes(hashes: Sequence[Hash]) -> None:
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ValidationError(
                f"leaf hash {i} of the batch is not {HASH_SIZE} bytes", field="hashes", index=i
            )


class _TreeBase(ABC):
    """Appending, roots, proofs and checking over four storage primitives.

    Level ``k`` is an append-only array of the complete subtrees of ``2**k`` leaves; its length
    is always ``size >> k``.
    """

    # Storage primitives.

    @abstractmethod
    def _count(self, level: int) -> int:
        """Number of hashes stored at ``level`` (0 above the top)."""

    @abstractmethod
    def _read(self, level: int, start: int, count: int) -> bytes:
        """Raw bytes of ``count`` hashes of ``level`` from ``start``; all must exist."""

    @abstractmethod
    def _write(self, level: int, data: bytes) -> None:
        """Append whole hashes to ``level`` (one write)."""

    @abstractmethod
    def _shrink(self, level: int, count: int) -> None:
        """Keep only the first ``count`` hashes of ``level``."""

    def _levels(self) -> int:
        """Number of levels that may hold hashes."""
        return max(self.size.bit_length(), 1)

    def _node(self, level: int, index: int) -> Hash:
        return Hash(self._read(level, index, 1))

    # Public API.

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._count(0)

    def level_size(self, level: int) -> int:
        """Number of complete subtree hashes stored at ``level`` (``size >> level``)."""
        if level < 0:
            raise ValidationError(f"level {level} is negative", field="level")
        return self._count(level)

    def node(self, level: int, index: int) -> Hash:
        """Hash of the complete subtree of leaves ``[index * 2**level, (index + 1) * 2**level)``."""
        if level < 0 or not 0 <= index < self._count(level):
            raise ValidationError(
                f"no complete subtree {index} at level {level} in a tree of {self.size} leaves",
                field="index",
            )
        return self._node(level, index)

    def read_hashes(self, level: int, start: int, count: int) -> list[Hash]:
        """``count`` consecutive hashes of ``level`` from ``start`` (a tlog tile's contents)."""
        if level < 0 or start < 0 or count < 0 or start + count > self._count(level):
            raise ValidationError(
                f"hashes {start}..{start + count} are not all stored at level {level}",
                field="start",
            )
        if count == 0:
            return []
        data = self._read(level, start, count)
        return [Hash(data[i : i + HASH_SIZE]) for i in range(0, len(data), HASH_SIZE)]

    def append_leaf_hashes(self, hashes: Sequence[Hash]) -> None:
        """Append leaf hashes and every parent they complete; one write per level."""
        _check_leaf_hashes(hashes)
        if not hashes:
            return
        size_before = self.size
        try:
            self._append(hashes)
        except BaseException:
            # A failed write (disk full, ...) must not leave levels out of step with each other.
            self.truncate(size_before)
            raise

    def _append(self, new: Sequence[bytes]) -> None:
        start = self._count(0)
        level = 0
        sha = _sha256
        prefix = _NODE_PREFIX
        while True:
            self._write(level, b"".join(new))
            end = start + len(new)
            p_start, p_end = start >> 1, end >> 1
            if p_end == p_start:
                return
            children = [self._read(level, start - 1, 1), *new] if start & 1 else new
            new = [
                sha(prefix + children[j] + children[j + 1]).digest()
                for j in range(0, 2 * (p_end - p_start), 2)
            ]
            level += 1
            start = p_start

    def truncate(self, size: int) -> None:
        """Drop the leaves from ``size`` on and every subtree hash that covers any of them."""
        if not 0 <= size <= self.size:
            raise ValidationError(
                f"cannot truncate a tree of {self.size} leaves to {size}", field="size"
            )
        # Top level first: a crash part way leaves upper levels short, which opening repairs.
        for level in range(self._levels() - 1, -1, -1):
            if self._count(level) > size >> level:
                self._shrink(level, size >> level)

    def _check_size(self, what: str, size: int | None) -> int:
        current = self.size
        if size is None:
            return current
        if not 0 <= size <= current:
            raise ValidationError(
                f"{what} {size} is beyond the tree's {current} leaves", field=what.replace(" ", "_")
            )
        return size

    def root(self, size: int | None = None) -> Hash:
        """Root of the tree of the first ``size`` leaves (default: all); O(log n) reads."""
        return _root(self._node, self._check_size("tree size", size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[Hash]:
        """RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        size = self._check_size("tree size", size)
        if not 0 <= index < size:
            raise ValidationError(
                f"leaf index {index} is not in a tree of {size} leaves", field="index"
            )
        return _inclusion_proof(self._node, index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[Hash]:
        """RFC 9162 consistency proof from ``old_size`` to ``new_size`` (default: all)."""
        new_size = self._check_size("new size", new_size)
        if not 0 < old_size <= new_size:
            raise ValidationError(
                f"a consistency proof needs 0 < old size <= new size, got {old_size} and "
                f"{new_size}",
                field="old_size",
            )
        return _consistency_proof(self._node, old_size, new_size)

    def check(self) -> None:
        """Verify every stored parent against its two children: O(n), streaming.

        Raises :class:`StorageError` naming the level, the node and (as ``index``) the first
        leaf it covers.
        """
        for level in range(1, self._levels() + 1):
            below = self._count(level - 1)
            count = self._count(level)
            if count != below >> 1:
                raise StorageError(
                    f"level {level} holds {count} hashes, but level {level - 1} implies "
                    f"{below >> 1}",
                    index=min(count, below >> 1) << level,
                )
            for first in range(0, count, _CHUNK):
                n = min(_CHUNK, count - first)
                children = self._read(level - 1, 2 * first, 2 * n)
                parents = self._read(level, first, n)
                for j in range(n):
                    c = 2 * j * HASH_SIZE
                    want = _sha256(_NODE_PREFIX + children[c : c + 2 * HASH_SIZE]).digest()
                    if parents[j * HASH_SIZE : (j + 1) * HASH_SIZE] != want:
                        i = first + j
                        raise StorageError(
                            f"level {level} hash {i} (leaves {i << level}.."
                            f"{((i + 1) << level) - 1}) does not match its two children",
                            index=i << level,
                        )


class MemoryTree(_TreeBase):
    """The Merkle tree with its subtree hashes in memory (tests and small uses)."""

    def __init__(self, hashes: Sequence[Hash] = ()) -> None:
        self._data: list[bytearray] = []
        self.append_leaf_hashes(hashes)

    def _count(self, level: int) -> int:
        return len(self._data[level]) // HASH_SIZE if level < len(self._data) else 0

    def _read(self, level: int, start: int, count: int) -> bytes:
        return bytes(self._data[level][start * HASH_SIZE : (start + count) * HASH_SIZE])

    def _write(self, level: int, data: bytes) -> None:
        while len(self._data) <= level:
            self._data.append(bytearray())
        self._data[level] += data

    def _shrink(self, level: int, count: int) -> None:
        del self._data[level][count * HASH_SIZE :]


def _close_all(fds: dict[int, int]) -> None:
    for fd in fds.values():
        os.close(fd)
    fds.clear()


class TreeStore(_TreeBase):
    """The Merkle tree's complete subtree hashes in a directory of ``level-KK.bin`` files.

    Writes go straight to the OS (``os.write`` on append-only descriptors, one call per level
    and batch, lower levels first); :meth:`flush` makes them durable. Reads use ``os.pread`` on
    the cached descriptors, so memory stays flat whatever the size. One writer at a time; the
    caller serialises access.
    """

    def __init__(self, path: Path) -> None:
        """Use :meth:`open`."""
        self.path = path
        self._fds: dict[int, int] = {}
        self._counts: list[int] = []
        self._dirty: set[int] = set()
        self._dir_dirty = False
        #: What opening had to repair after a crash (empty if nothing).
        self.repairs: list[str] = []
        self._reader = False  # a view of a prefix: the writer's files may be longer
        self._finalizer = weakref.finalize(self, _close_all, self._fds)

    @classmethod
    def open(cls, path: Path) -> TreeStore:
        """Open (creating if missing) the store in directory ``path``, repairing a torn write."""
        path.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        try:
            store._load()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def reader(cls, path: Path, size: int) -> TreeStore:
        """A read-only view of the first ``size`` leaves of a store another process writes.

        Never repairs or writes anything: the writer appends the tree before it signs a
        checkpoint, so every hash a tree of ``size`` needs is already on disk.
        """
        store = cls(path)
        store._reader = True
        try:
            count, level = size, 0
            while True:
                fd = os.open(store._file(level), os.O_RDONLY) if count else -1
                if fd >= 0:
                    store._fds[level] = fd
                store._counts.append(count)
                if count <= 1:
                    break
                count, level = count >> 1, level + 1
        except FileNotFoundError as exc:
            store.close()
            raise StorageError(f"the tree in {path} lacks {exc.filename}") from None
        return store

    def close(self) -> None:
        """Close the files; the store is unusable afterwards."""
        self._finalizer()

    def __enter__(self) -> TreeStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _file(self, level: int) -> Path:
        return self.path / f"level-{level:02d}.bin"

    def _fd(self, level: int) -> int:
        fd = self._fds.get(level)
        if fd is None:
            if not self._finalizer.alive:
                raise StorageError(f"the tree store in {self.path} is closed")
            if level > _MAX_LEVEL:
                raise StorageError(f"tree level {level} is beyond the supported {_MAX_LEVEL}")
            created = not self._file(level).exists()
            fd = os.open(self._file(level), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            self._fds[level] = fd
            self._dir_dirty |= created
        return fd

    def _load(self) -> None:
        present = []
        for name in os.listdir(self.path):
            match = _LEVEL_FILE.fullmatch(name)
            if match and int(match.group(1)) <= _MAX_LEVEL:
                present.append(int(match.group(1)))
        top = max(present, default=0)
        level = 0
        while level <= top or self._counts[-1] > 1:
            actual = 0
            if level in present or level == 0:
                fd = self._fd(level)
                nbytes = os.fstat(fd).st_size
                if nbytes % HASH_SIZE:
                    os.ftruncate(fd, nbytes - nbytes % HASH_SIZE)
                    self._dirty.add(level)
                    self.repairs.append(
                        f"level {level}: dropped a partial hash of {nbytes % HASH_SIZE} bytes"
                    )
                actual = nbytes // HASH_SIZE
            want = actual if level == 0 else self._counts[level - 1] >> 1
            self._counts.append(actual)
            if actual > want:
                self._shrink(level, want)
                self.repairs.append(
                    f"level {level}: dropped {actual - want} hashes beyond the leaves"
                )
            elif actual < want:
                self._rebuild(level, actual, want)
                self.repairs.append(f"level {level}: recomputed {want - actual} missing hashes")
            level += 1
        if self.repairs:
            self.flush()

    def _rebuild(self, level: int, first: int, end: int) -> None:
        """Recompute hashes ``[first, end)`` of ``level`` from the level below and append them."""
        for chunk in range(first, end, _CHUNK):
            n = min(_CHUNK, end - chunk)
            children = self._read(level - 1, 2 * chunk, 2 * n)
            parents = b"".join(
                _sha256(_NODE_PREFIX + children[c : c + 2 * HASH_SIZE]).digest()
                for c in range(0, 2 * n * HASH_SIZE, 2 * HASH_SIZE)
            )
            self._write(level, parents)

    # Storage primitives.

    def _count(self, level: int) -> int:
        return self._counts[level] if level < len(self._counts) else 0

    def _read(self, level: int, start: int, count: int) -> bytes:
        want = count * HASH_SIZE
        data = os.pread(self._fds[level], want, start * HASH_SIZE)
        if len(data) != want:
            raise StorageError(
                f"level {level} file ends before hash {start + count - 1}", index=start << level
            )
        return data

    def _node(self, level: int, index: int) -> Hash:
        data = os.pread(self._fds[level], HASH_SIZE, index * HASH_SIZE)
        if len(data) != HASH_SIZE:
            raise StorageError(f"level {level} file ends before hash {index}", index=index << level)
        return Hash(data)

    def _write(self, level: int, data: bytes) -> None:
        fd = self._fd(level)
        view = memoryview(data)
        try:
            while view:
                written = os.write(fd, view)
                view = view[written:]
        except BaseException:
            os.ftruncate(fd, self._count(level) * HASH_SIZE)
            raise
        while len(self._counts) <= level:
            self._counts.append(0)
        self._counts[level] += len(data) // HASH_SIZE
        self._dirty.add(level)

    def _shrink(self, level: int, count: int) -> None:
        os.ftruncate(self._fd(level), count * HASH_SIZE)
        self._counts[level] = count
        self._dirty.add(level)

    # Durability and checking.

    def flush(self, fsync: bool = True) -> None:
        """Make appends and truncations durable (``fsync`` of the changed files and directory).

        Writes are unbuffered, so with ``fsync=False`` there is nothing to do.
        """
        if not fsync:
            return
        for level in sorted(self._dirty):
            os.fsync(self._fds[level])
        self._dirty.clear()
        if self._dir_dirty:
            dir_fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
            self._dir_dirty = False

    def check(self) -> None:
        """Verify the file lengths, then every stored parent against its children (O(n))."""
        for level, fd in sorted(self._fds.items()):
            nbytes = os.fstat(fd).st_size
            if nbytes < self._count(level) * HASH_SIZE or (
                nbytes != self._count(level) * HASH_SIZE and not self._reader
            ):
                raise StorageError(
                    f"level {level} file is {nbytes} bytes, expected "
                    f"{self._count(level) * HASH_SIZE}",
                    index=min(nbytes // HASH_SIZE, self._count(level)) << level,
                )
        super().check()
