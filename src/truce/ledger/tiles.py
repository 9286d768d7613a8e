"""The log's read side as static files: C2SP tlog-tiles, written by the log and read by mirrors.

Implements https://c2sp.org/tlog-tiles with SHA-256, tile height 8 (256 hashes a tile)::

    <prefix>/checkpoint                    the signed checkpoint (with any cosignatures)
    <prefix>/tile/<L>/<N>[.p/<W>]          hash tiles
    <prefix>/tile/entries/<N>[.p/<W>]      entry bundles

The tile at level ``L`` and index ``N`` holds the hashes of tree level ``8 * L`` from index
``N * 256``: exactly the data :class:`~truce.ledger.merkle.TreeStore` keeps in
``level-{8L}.bin``, so tiles are copied, never recomputed. ``<N>`` is written in zero-padded
3-digit path elements, all but the last prefixed ``x`` (1234067 -> ``x001/x234/067``). A full
tile is 256 hashes (8,192 bytes); the rightmost tile of each level is partial, ``.p/<W>`` with
``W = floor(size / 256**L) mod 256`` hashes, and empty tiles are never written. An entry bundle
is the leaves of the matching level-0 tile, each prefixed with its length as a big-endian uint16
(a truce leaf is at most 65,535 bytes).

Full tiles and bundles are immutable: :func:`write_tiles` writes each once and never rewrites
it, and writes the checkpoint last, so a reader never sees a checkpoint whose tiles are not
there yet. Partial tiles of earlier checkpoints stay (the spec requires serving them while a
checkpoint of that size may be in use).

:class:`TileSource` reads a tiles prefix from a directory or over HTTP(S);
:class:`TileReader` fetches the tiles a verified checkpoint's size implies, checks every length,
and answers ``node(level, index)`` for any complete subtree, so roots and RFC 9162 proofs of
any size up to the checkpoint's are computed from tiles (:mod:`truce.ledger.merkle`).
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from truce.errors import (
    CheckpointError,
    ConfigError,
    ConflictError,
    NotFoundError,
    ProofError,
    StorageError,
)
from truce.ledger.files import atomic_write
from truce.ledger.merkle import HASH_SIZE, Hash, _consistency_proof, _inclusion_proof, _root
from truce.ledger.note import Checkpoint, NoteVerifier, open_checkpoint

if TYPE_CHECKING:
    from truce.ledger.log import Ledger

__all__ = [
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "DirectorySource",
    "HttpSource",
    "TileReader",
    "TileRef",
    "TileSource",
    "TilesWritten",
    "bundle_bytes",
    "decode_bundle",
    "encode_bundle",
    "format_index",
    "parse_path",
    "publish",
    "tile_bytes",
    "tile_refs",
    "write_tiles",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
_FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
_U16 = struct.Struct(">H")
_MAX_LEVEL = 63
_ELEMENT = re.compile(r"x\d{3}")
_LAST = re.compile(r"\d{3}")


# --- paths ---------------------------------------------------------------------------------------


def format_index(index: int) -> str:
    """``index`` as tlog-tiles path elements: 1234067 -> ``x001/x234/067``."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"tile index {index!r} must be a non-negative int")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


@dataclass(frozen=True, slots=True)
class TileRef:
    """One resource: a hash tile (``level`` 0..63) or an entry bundle (``level`` None)."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if self.level is not None and not 0 <= self.level <= _MAX_LEVEL:
            raise ValueError(f"tile level {self.level} is outside 0..{_MAX_LEVEL}")
        if self.index < 0 or not 1 <= self.width <= TILE_WIDTH:
            raise ValueError(f"tile index {self.index} / width {self.width} out of range")

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        kind = "entries" if self.level is None else str(self.level)
        suffix = f".p/{self.width}" if self.partial else ""
        return f"tile/{kind}/{format_index(self.index)}{suffix}"

    def full(self) -> TileRef:
        return TileRef(self.level, self.index)

    def __str__(self) -> str:
        return self.path


def parse_path(path: str) -> TileRef:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` strictly (for servers)."""
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise NotFoundError(f"{path!r} is not a tile path")
    kind, rest = parts[1], parts[2:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not w.isdigit() or w != str(int(w)) or not 1 <= int(w) < TILE_WIDTH:
            raise NotFoundError(f"{path!r}: partial width {w!r} is not 1..255")
        width = int(w)
        rest = [*rest[:-2], rest[-2][:-2]]
    if (
        not rest
        or not _LAST.fullmatch(rest[-1])
        or not all(_ELEMENT.fullmatch(e) for e in rest[:-1])
    ):
        raise NotFoundError(f"{path!r}: the index is not in x-prefixed 3-digit groups")
    index = int("".join(e.lstrip("x") for e in rest))
    if format_index(index) != "/".join(rest):  # no superfluous leading groups like x000/
        raise NotFoundError(f"{path!r}: the index has leading zero groups")
    if kind == "entries":
        return TileRef(None, index, width)
    if not kind.isdigit() or kind != str(int(kind)) or int(kind) > _MAX_LEVEL:
        raise NotFoundError(f"{path!r}: level {kind!r} is not 0..63")
    return TileRef(int(kind), index, width)


def tile_width(level: int | None, index: int, size: int) -> int:
    """Width of tile ``index`` at ``level`` (None: entries) in a tree of ``size``; 0: none."""
    count = size >> (TILE_HEIGHT * (level or 0))  # hashes (or entries) at that tree level
    start = index * TILE_WIDTH
    return max(0, min(TILE_WIDTH, count - start))


def tile_refs(size: int, start: int = 0) -> Iterator[TileRef]:
    """Every tile and bundle a tree of ``size`` is served as, beyond what a tree of ``start``
    already had in full tiles: all new full tiles, and the partial tile of each level."""
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        first = (start >> (TILE_HEIGHT * level)) // TILE_WIDTH
        for index in range(first, count // TILE_WIDTH):
            yield TileRef(level, index)
        if count % TILE_WIDTH:
            yield TileRef(level, count // TILE_WIDTH, count % TILE_WIDTH)
        level += 1
    for index in range(start // TILE_WIDTH, size // TILE_WIDTH):
        yield TileRef(None, index)
    if size % TILE_WIDTH:
        yield TileRef(None, size // TILE_WIDTH, size % TILE_WIDTH)


# --- entry bundles -------------------------------------------------------------------------------


def encode_bundle(leaves: Sequence[bytes]) -> bytes:
    """Leaves as big-endian uint16 length-prefixed records."""
    parts: list[bytes] = []
    for leaf in leaves:
        if len(leaf) > 0xFFFF:
            raise StorageError(f"a leaf of {len(leaf)} bytes does not fit an entry bundle")
        parts += (_U16.pack(len(leaf)), leaf)
    return b"".join(parts)


def decode_bundle(data: bytes, count: int, where: str = "entry bundle") -> list[bytes]:
    """Exactly ``count`` leaves from ``data``; raises :class:`ProofError` naming the problem."""
    leaves: list[bytes] = []
    pos, end = 0, len(data)
    for n in range(count):
        if pos + 2 > end:
            raise ProofError(
                f"{where} ends after {n} of {count} entries ({end} bytes): truncated download?"
            )
        length = (data[pos] << 8) | data[pos + 1]
        pos += 2
        if pos + length > end:
            raise ProofError(
                f"{where} ends inside entry {n} of {count} ({end} bytes): truncated download?"
            )
        leaves.append(data[pos : pos + length])
        pos += length
    if pos != end:
        raise ProofError(f"{where} has {end - pos} bytes after its {count} entries")
    return leaves


# --- the log side: reading tiles from the stored tree --------------------------------------------


class HashStore(Protocol):
    """What tiles are copied from: :class:`~truce.ledger.merkle.TreeStore`."""

    def read_hashes(self, level: int, start: int, count: int) -> list[Hash]: ...

    def root(self, size: int | None = None) -> Hash: ...


class LeafStore(Protocol):
    def iter(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]: ...


def tile_bytes(tree: HashStore, ref: TileRef) -> bytes:
    """The bytes of hash tile ``ref`` from a stored tree (``TreeStore.read_hashes``)."""
    if ref.level is None:
        raise ValueError("an entry bundle is not a hash tile")
    hashes = tree.read_hashes(TILE_HEIGHT * ref.level, ref.index * TILE_WIDTH, ref.width)
    return b"".join(hashes)


def bundle_bytes(entries: LeafStore, ref: TileRef) -> bytes:
    """The bytes of entry bundle ``ref`` from stored entries (``EntryLog.iter``)."""
    start = ref.index * TILE_WIDTH
    leaves = [leaf for _, leaf in entries.iter(start, start + ref.width)]
    if len(leaves) != ref.width:
        raise StorageError(f"{ref}: only {len(leaves)} of {ref.width} entries are stored")
    return encode_bundle(leaves)


@dataclass(frozen=True)
class TilesWritten:
    size: int
    previous_size: int
    tiles: int
    bundles: int


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, durable=False)


def write_tiles(
    out: Path,
    *,
    tree: HashStore,
    entries: LeafStore,
    checkpoint_note: str,
    verifier: NoteVerifier,
    origin: str,
    durable: bool = True,
) -> TilesWritten:
    """Write (or bring up to date) the static tlog-tiles of ``checkpoint_note`` in ``out``.

    ``durable=False`` (the log's own write after each append) skips the sync before the
    checkpoint: every file is still replaced atomically, so a crash can lose the newest files,
    never leave a torn one, and the next write puts back what is missing.

    Only tiles that the checkpoint already in ``out`` did not have in full are written, then the
    new checkpoint replaces the old one. Refuses a directory holding another log's tiles, a larger
    tree, or a different history (its checkpoint's root is not this tree's at that size):
    immutable tiles must never change under a reader.
    """
    new = open_checkpoint(checkpoint_note, verifier, origin)
    if tree.root(new.size) != new.root:
        raise CheckpointError(f"the checkpoint's root does not match the tree at size {new.size}")
    old_size = 0
    served = out / "checkpoint"
    if served.exists():
        try:
            old = open_checkpoint(served.read_bytes(), verifier, origin)
        except CheckpointError as exc:
            raise ConflictError(
                f"{served} is not a checkpoint of this log ({exc})",
                hint="Write the tiles to an empty directory, or to this log's own tiles directory.",
            ) from None
        if old.size > new.size:
            raise ConflictError(
                f"{out} already serves a larger tree ({old.size} entries) than this checkpoint "
                f"({new.size}); refusing to shrink published tiles"
            )
        if tree.root(old.size) != old.root:
            raise ConflictError(
                f"{out} serves a different history: its checkpoint's root at size {old.size} is "
                "not this log's; refusing to overwrite immutable tiles",
                hint="Publish to a new directory and tell every mirror: this is a split view.",
            )
        old_size = old.size
    elif out.exists() and (out / "tile").exists():
        raise ConflictError(
            f"{out} has tiles but no checkpoint; refusing to mix histories",
            hint="Remove the directory or choose an empty one.",
        )
    tiles = bundles = 0
    for ref in tile_refs(new.size, old_size):
        path = out / ref.path
        if ref.partial and path.exists():
            continue  # same size, same content: partial tiles are immutable too
        if ref.level is None:
            _write_file(path, bundle_bytes(entries, ref))
            bundles += 1
        else:
            _write_file(path, tile_bytes(tree, ref))
            tiles += 1
    if durable:
        os.sync()  # every tile durable before the checkpoint that points at them
    _write_file(served, checkpoint_note.encode("utf-8"))
    if durable:
        fd = os.open(served, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return TilesWritten(new.size, old_size, tiles, bundles)


# --- the reading side: sources and a verified reader ---------------------------------------------


def publish(ledger: Ledger, out: Path, *, durable: bool = True) -> TilesWritten:
    """Write the log's latest checkpoint (with its cosignatures) and its tiles to ``out``."""
    from truce.ledger.cosign import cosigned_checkpoint

    return write_tiles(
        out,
        tree=ledger.tree,
        entries=ledger.entries,
        checkpoint_note=cosigned_checkpoint(ledger),
        verifier=ledger.verifier,
        origin=ledger.origin,
        durable=durable,
    )


class TileSource(ABC):
    """Where a log's tiles are published: a directory or an HTTP(S) prefix."""

    location: str

    @abstractmethod
    def fetch(self, path: str) -> bytes:
        """The resource at ``path`` (relative to the prefix). Raises NotFoundError if absent,
        ConfigError if the source cannot be reached."""

    def close(self) -> None:
        return None

    @staticmethod
    def open(location: str | Path) -> TileSource:
        """A source for ``location``: ``http://`` or ``https://`` URLs, else a directory."""
        text = str(location)
        if text.startswith(("http://", "https://")):
            return HttpSource(text)
        return DirectorySource(Path(text))

    def __str__(self) -> str:
        return self.location


class DirectorySource(TileSource):
    def __init__(self, directory: Path) -> None:
        self.directory = directory.absolute()
        self.location = str(self.directory)
        if not self.directory.is_dir():
            raise ConfigError(
                f"tiles directory {self.directory} does not exist",
                hint="Give the directory written by 'truce ledger tiles', or an http:// URL.",
            )

    def fetch(self, path: str) -> bytes:
        try:
            return (self.directory / path).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(
                f"{self.location}/{path} does not exist",
                hint="The log's tiles are incomplete; ask the operator to re-run 'ledger tiles'.",
            ) from None
        except OSError as exc:
            raise ConfigError(f"cannot read {self.location}/{path}: {exc.strerror}") from None


class HttpSource(TileSource):
    """Plain GETs with keep-alive (httpx); ``Accept-Encoding: gzip, identity`` as the spec asks."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        import httpx

        self.location = url.rstrip("/")
        self._httpx = httpx
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Accept-Encoding": "gzip, identity", "User-Agent": "truce-mirror"},
            follow_redirects=True,
        )

    def fetch(self, path: str) -> bytes:
        url = f"{self.location}/{path}"
        try:
            response = self._client.get(url)
            content = response.content
        except self._httpx.RemoteProtocolError as exc:
            raise ConfigError(
                f"the download of {url} was cut short ({exc}): truncated download",
                hint="Nothing was stored; sync again.",
            ) from None
        except self._httpx.HTTPError as exc:
            raise ConfigError(
                f"cannot fetch {url}: {exc}",
                hint="Check the URL and that the log (or mirror) is serving; then sync again.",
            ) from None
        if response.status_code == 404:
            raise NotFoundError(f"{url} does not exist (HTTP 404)")
        if response.status_code != 200:
            raise ConfigError(f"cannot fetch {url}: HTTP {response.status_code}")
        return content

    def close(self) -> None:
        self._client.close()


class TileReader:
    """The tiles of one verified checkpoint: fetched on demand, checked, cached.

    Each hash tile must be exactly ``width * 32`` bytes and each bundle exactly ``width``
    entries; a partial tile that is gone is replaced by the full one, as the spec allows. The
    contents are trusted only once :meth:`root` equals the checkpoint's root (which ties every
    tile on the path to the signature); callers check that first.
    """

    def __init__(self, source: TileSource, checkpoint: Checkpoint, cache_tiles: int = 256) -> None:
        self.source = source
        self.checkpoint = checkpoint
        self.size = checkpoint.size
        self._cache: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._cache_tiles = cache_tiles
        self._lock = threading.Lock()

    def ref(self, level: int | None, index: int) -> TileRef:
        width = tile_width(level, index, self.size)
        if width == 0:
            what = "entry bundle" if level is None else f"tile {level}"
            raise ProofError(f"{what}/{index} is beyond the checkpoint's {self.size} entries")
        return TileRef(level, index, width)

    def _fetch(self, ref: TileRef) -> bytes:
        try:
            return self.source.fetch(ref.path)
        except NotFoundError:
            if not ref.partial:
                raise
            # The log may delete a partial tile once the full one exists: use its prefix.
            data = self.source.fetch(ref.full().path)
            if ref.level is not None:
                return data[: ref.width * HASH_SIZE] if len(data) == _FULL_TILE_BYTES else data
            return _bundle_prefix(data, ref.width)

    def tile(self, level: int, index: int) -> bytes:
        """The checked bytes of hash tile ``index`` at tile level ``level``."""
        key = (level, index)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
                return data
        ref = self.ref(level, index)
        data = self._fetch(ref)
        if len(data) != ref.width * HASH_SIZE:
            raise ProofError(
                f"{self.source}/{ref.path} is {len(data)} bytes; a tile of {ref.width} hashes is "
                f"{ref.width * HASH_SIZE}: corrupt or truncated download"
            )
        with self._lock:
            self._cache[key] = data
            if len(self._cache) > self._cache_tiles:
                self._cache.popitem(last=False)
        return data

    def bundle(self, index: int) -> list[bytes]:
        """The leaves of entry bundle ``index``: exactly as many as the checkpoint implies."""
        ref = self.ref(None, index)
        data = self._fetch(ref)
        return decode_bundle(data, ref.width, f"{self.source}/{ref.path}")

    def node(self, level: int, index: int) -> Hash:
        """Hash of the complete subtree ``index`` at tree ``level``, from the tiles."""
        if (index + 1) << level > self.size:
            raise ProofError(
                f"subtree {index} at level {level} is not complete at size {self.size}"
            )
        tile_level, below = divmod(level, TILE_HEIGHT)
        first = index << below  # its hashes at tree level 8 * tile_level
        data = self.tile(tile_level, first >> TILE_HEIGHT)
        offset = (first & (TILE_WIDTH - 1)) * HASH_SIZE
        hashes = [
            data[offset + i * HASH_SIZE : offset + (i + 1) * HASH_SIZE] for i in range(1 << below)
        ]
        while len(hashes) > 1:
            hashes = [
                hashlib.sha256(b"\x01" + hashes[i] + hashes[i + 1]).digest()
                for i in range(0, len(hashes), 2)
            ]
        return Hash(hashes[0])

    def root(self, size: int | None = None) -> Hash:
        return _root(self.node, self.size if size is None else self._size(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[Hash]:
        new = self.size if new_size is None else self._size(new_size)
        if not 0 < old_size <= new:
            raise ProofError(f"no consistency proof from size {old_size} to {new}")
        return _consistency_proof(self.node, old_size, new)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[Hash]:
        size = self.size if size is None else self._size(size)
        if not 0 <= index < size:
            raise ProofError(f"entry {index} is not in a tree of {size} entries")
        return _inclusion_proof(self.node, index, size)

    def _size(self, size: int) -> int:
        if not 0 <= size <= self.size:
            raise ProofError(f"size {size} is beyond the checkpoint's {self.size}")
        return size

    def verify_root(self) -> None:
        """Raise unless the tiles hash up to the checkpoint's signed root."""
        if self.size and self.root() != self.checkpoint.root:
            raise ProofError(
                f"the hash tiles at {self.source} do not hash to the root of the signed "
                f"checkpoint (size {self.size}): a tile is corrupt or was altered",
                hint="Nothing was stored. Tell the log operator; try again or another mirror.",
            )


def _bundle_prefix(data: bytes, count: int) -> bytes:
    """The first ``count`` records of a full bundle (the rest is ignored)."""
    pos = 0
    for _ in range(count):
        if pos + 2 > len(data):
            return data
        pos += 2 + ((data[pos] << 8) | data[pos + 1])
    return data[:pos]
