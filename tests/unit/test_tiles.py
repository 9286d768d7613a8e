"""C2SP tlog-tiles: paths, tile sets, bundles, and proofs computed from tiles equal the tree's."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.errors import ConflictError, NotFoundError, ProofError
from truce.ledger.keys import SigningKey
from truce.ledger.merkle import MemoryTree, leaf_hash, verify_inclusion
from truce.ledger.note import Checkpoint, NoteSigner, open_checkpoint, sign_checkpoint
from truce.ledger.tiles import (
    TILE_WIDTH,
    DirectorySource,
    TileReader,
    TileRef,
    decode_bundle,
    encode_bundle,
    format_index,
    parse_path,
    tile_refs,
    write_tiles,
)

ORIGIN = "example.org/tiles-test"


class Leaves:
    """A list of leaves with the EntryLog.iter interface."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves

    def iter(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]:
        stop = len(self.leaves) if stop is None else min(stop, len(self.leaves))
        for i in range(start, stop):
            yield i, self.leaves[i]


def make_leaves(n: int, tag: bytes = b"") -> list[bytes]:
    return [b"leaf %d %s" % (i, tag) for i in range(n)]


@pytest.fixture(scope="module")
def signer() -> NoteSigner:
    return NoteSigner(ORIGIN, SigningKey.generate())


def publish(out: Path, leaves: list[bytes], signer: NoteSigner, size: int | None = None) -> str:
    size = len(leaves) if size is None else size
    tree = MemoryTree([leaf_hash(x) for x in leaves[:size]])
    note = sign_checkpoint(Checkpoint(ORIGIN, size, tree.root()), signer)
    write_tiles(
        out,
        tree=tree,
        entries=Leaves(leaves[:size]),
        checkpoint_note=note,
        verifier=signer.verifier,
        origin=ORIGIN,
    )
    return note


def reader(out: Path, signer: NoteSigner) -> TileReader:
    source = DirectorySource(out)
    cp = open_checkpoint(source.fetch("checkpoint"), signer.verifier, ORIGIN)
    return TileReader(source, cp)


# --- paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "text"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding_follows_the_spec(index: int, text: str) -> None:
    assert format_index(index) == text
    assert parse_path(f"tile/0/{text}") == TileRef(0, index)


def test_paths_of_full_partial_and_entry_tiles_round_trip() -> None:
    assert TileRef(1, 1234067, 17).path == "tile/1/x001/x234/067.p/17"
    assert TileRef(None, 5).path == "tile/entries/005"
    for ref in (TileRef(2, 3, 1), TileRef(None, 1000, 255), TileRef(63, 0)):
        assert parse_path(ref.path) == ref


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",  # not 3 digits
        "tile/0/x000/001",  # superfluous leading group
        "tile/0/001/002",  # inner element without x
        "tile/00/001",  # level with a leading zero
        "tile/64/001",  # level out of range
        "tile/0/001.p/0",  # empty tile
        "tile/0/001.p/256",  # partial as wide as a full tile
        "tile/0/001.p/08",  # width with a leading zero
        "checkpoint",
    ],
)
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(NotFoundError):
        parse_path(path)


def test_tile_set_of_a_70000_entry_tree_matches_the_spec_example() -> None:
    refs = list(tile_refs(70_000))
    level0 = [r for r in refs if r.level == 0]
    assert len([r for r in level0 if not r.partial]) == 273
    assert [r.width for r in level0 if r.partial] == [112]
    assert [(r.index, r.width) for r in refs if r.level == 1] == [(0, 256), (1, 17)]
    assert [(r.index, r.width) for r in refs if r.level == 2] == [(0, 1)]
    assert len([r for r in refs if r.level is None]) == 274


def test_a_256_entry_tree_is_one_full_tile_and_a_partial_level_1_tile() -> None:
    assert list(tile_refs(256)) == [TileRef(0, 0), TileRef(1, 0, 1), TileRef(None, 0)]


def test_tile_refs_since_a_previous_size_skip_the_full_tiles_it_had() -> None:
    new = set(tile_refs(1000, start=600))
    assert TileRef(0, 1) not in new  # full at 600 already
    assert TileRef(0, 2) in new and TileRef(0, 3, 1000 - 768) in new
    assert TileRef(None, 2) in new and TileRef(None, 1) not in new


# --- bundles -------------------------------------------------------------------------------------


def test_entry_bundles_are_uint16_length_prefixed() -> None:
    data = encode_bundle([b"ab", b"", b"x" * 300])
    assert data[:4] == b"\x00\x02ab" and data[4:6] == b"\x00\x00" and data[6:8] == b"\x01\x2c"
    assert decode_bundle(data, 3) == [b"ab", b"", b"x" * 300]


def test_truncated_or_padded_bundles_are_refused() -> None:
    data = encode_bundle([b"abc", b"defg"])
    with pytest.raises(ProofError, match="ends inside entry 1"):
        decode_bundle(data[:-1], 2)
    with pytest.raises(ProofError, match="ends after 2 of 3"):
        decode_bundle(data, 3)
    with pytest.raises(ProofError, match="1 bytes after its 2 entries"):
        decode_bundle(data + b"\x00", 2)


# --- writing and reading -------------------------------------------------------------------------


def test_written_tiles_are_the_spec_bytes(tmp_path: Path, signer: NoteSigner) -> None:
    leaves = make_leaves(600)
    publish(tmp_path, leaves, signer)
    tile = (tmp_path / "tile/0/001").read_bytes()
    assert len(tile) == 8192
    assert tile[:32] == leaf_hash(leaves[256])
    level1 = (tmp_path / "tile/1/000.p/2").read_bytes()
    tree = MemoryTree([leaf_hash(x) for x in leaves])
    assert level1 == tree.node(8, 0) + tree.node(8, 1)
    assert decode_bundle((tmp_path / "tile/entries/002.p/88").read_bytes(), 88) == leaves[512:]
    assert not (tmp_path / "tile/1/000").exists()  # no full level-1 tile at this size


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(1, 1400), data=st.data())
def test_roots_and_proofs_from_tiles_equal_the_trees(
    tmp_path_factory: pytest.TempPathFactory, signer: NoteSigner, size: int, data: st.DataObject
) -> None:
    out = tmp_path_factory.mktemp("tiles")
    leaves = make_leaves(size)
    publish(out, leaves, signer)
    tree = MemoryTree([leaf_hash(x) for x in leaves])
    r = reader(out, signer)
    r.verify_root()
    old = data.draw(st.integers(1, size))
    index = data.draw(st.integers(0, size - 1))
    assert r.root(old) == tree.root(old)
    assert r.consistency_proof(old) == tree.consistency_proof(old, size)
    assert r.inclusion_proof(index) == tree.inclusion_proof(index, size)
    bundle = r.bundle(index // TILE_WIDTH)
    assert bundle[index % TILE_WIDTH] == leaves[index]


def test_incremental_update_keeps_immutable_tiles(tmp_path: Path, signer: NoteSigner) -> None:
    leaves = make_leaves(900)
    publish(tmp_path, leaves, signer, size=300)
    full = tmp_path / "tile/0/000"
    before = full.stat().st_mtime_ns, full.read_bytes()
    partial = tmp_path / "tile/0/001.p/44"
    assert partial.exists()
    publish(tmp_path, leaves, signer)
    assert (full.stat().st_mtime_ns, full.read_bytes()) == before
    assert partial.exists()  # clients holding the size-300 checkpoint may still fetch it
    assert (tmp_path / "tile/0/001").exists() and (tmp_path / "tile/0/003.p/132").exists()
    assert reader(tmp_path, signer).root() == MemoryTree([leaf_hash(x) for x in leaves]).root()


def test_tiles_of_another_history_or_a_larger_tree_are_never_overwritten(
    tmp_path: Path, signer: NoteSigner
) -> None:
    publish(tmp_path, make_leaves(500), signer)
    with pytest.raises(ConflictError, match="different history"):
        publish(tmp_path, make_leaves(700, b"forked"), signer)
    with pytest.raises(ConflictError, match="larger tree"):
        publish(tmp_path, make_leaves(400), signer)
    other = NoteSigner(ORIGIN, SigningKey.generate())
    with pytest.raises(ConflictError, match="not a checkpoint of this log"):
        publish(tmp_path, make_leaves(600), other)


def test_a_deleted_partial_tile_is_read_from_the_full_one(
    tmp_path: Path, signer: NoteSigner
) -> None:
    leaves = make_leaves(600)
    publish(tmp_path, leaves, signer, size=300)
    held = reader(tmp_path, signer)  # a client still at the size-300 checkpoint
    publish(tmp_path, leaves, signer)
    (tmp_path / "tile/0/001.p/44").unlink()
    (tmp_path / "tile/entries/001.p/44").unlink()
    assert held.root() == MemoryTree([leaf_hash(x) for x in leaves[:300]]).root()
    assert held.bundle(1) == leaves[256:300]


def test_a_truncated_or_corrupt_tile_is_named(tmp_path: Path, signer: NoteSigner) -> None:
    leaves = make_leaves(600)
    publish(tmp_path, leaves, signer)
    edge = tmp_path / "tile/0/002.p/88"  # on the path to the root
    data = edge.read_bytes()
    edge.write_bytes(data[:1000])
    with pytest.raises(ProofError, match=r"tile/0/002.p/88 is 1000 bytes; a tile of 88 hashes is"):
        reader(tmp_path, signer).root()
    edge.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    with pytest.raises(ProofError, match="do not hash to the root of the signed checkpoint"):
        reader(tmp_path, signer).verify_root()


def test_a_corrupt_inner_tile_gives_proofs_that_fail(tmp_path: Path, signer: NoteSigner) -> None:
    leaves = make_leaves(600)
    publish(tmp_path, leaves, signer)
    inner = tmp_path / "tile/0/000"  # not on the path to the root: found when used
    data = inner.read_bytes()
    inner.write_bytes(data[:32] + bytes([data[32] ^ 1]) + data[33:])
    r = reader(tmp_path, signer)
    r.verify_root()
    with pytest.raises(ProofError, match="does not lead to the root"):
        verify_inclusion(leaf_hash(leaves[7]), 7, 600, r.inclusion_proof(7), r.root())


def test_a_missing_tile_is_not_found(tmp_path: Path, signer: NoteSigner) -> None:
    publish(tmp_path, make_leaves(300), signer)
    (tmp_path / "tile/1/000.p/1").unlink()
    with pytest.raises(NotFoundError, match="tile/1/000 does not exist"):
        reader(tmp_path, signer).root()


def test_tile_hashes_are_sha256_of_rfc6962_nodes(tmp_path: Path, signer: NoteSigner) -> None:
    leaves = make_leaves(512)
    publish(tmp_path, leaves, signer)
    level1 = (tmp_path / "tile/1/000.p/2").read_bytes()

    def mth(part: list[bytes]) -> bytes:
        if len(part) == 1:
            return hashlib.sha256(b"\x00" + part[0]).digest()
        k = len(part) // 2
        return hashlib.sha256(b"\x01" + mth(part[:k]) + mth(part[k:])).digest()

    assert level1 == mth(leaves[:256]) + mth(leaves[256:])


def test_three_tile_levels_give_the_trees_roots_and_proofs(
    tmp_path: Path, signer: NoteSigner
) -> None:
    leaves = make_leaves(70_000)  # level-2 tiles: the spec's example size
    publish(tmp_path, leaves, signer)
    tree = MemoryTree([leaf_hash(x) for x in leaves])
    r = reader(tmp_path, signer)
    r.verify_root()
    for old in (1, 255, 256, 65_535, 65_536, 65_537, 69_999):
        assert r.root(old) == tree.root(old)
        assert r.consistency_proof(old) == tree.consistency_proof(old, 70_000)
    for index in (0, 65_535, 65_536, 69_999):
        assert r.inclusion_proof(index) == tree.inclusion_proof(index, 70_000)
    assert (tmp_path / "tile/2/000.p/1").read_bytes() == tree.node(16, 0)
