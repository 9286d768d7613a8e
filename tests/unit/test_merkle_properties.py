"""Properties of truce.ledger.merkle: stores vs the RFC definitions, proofs, tampering, crashes.

The reference functions here follow the recursive definitions of RFC 9162 §2.1 directly (MTH,
PATH, PROOF/SUBPROOF) over a list of leaf hashes; the stores must agree with them at every
historical size.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.errors import ProofError, StorageError, ValidationError
from truce.ledger.merkle import (
    EMPTY_ROOT,
    Hash,
    MemoryTree,
    TreeStore,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- reference: RFC 9162 definitions over a list --------------------------------------------------


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_path(m: int, d: list[Hash]) -> list[Hash]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if len(d) == 1:
        return []
    k = split(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), root_from_leaf_hashes(d[k:])]
    return [*ref_path(m - k, d[k:]), root_from_leaf_hashes(d[:k])]


def ref_proof(m: int, d: list[Hash]) -> list[Hash]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1."""

    def sub(m: int, d: list[Hash], b: bool) -> list[Hash]:
        if m == len(d):
            return [] if b else [root_from_leaf_hashes(d)]
        k = split(len(d))
        if m <= k:
            return [*sub(m, d[:k], b), root_from_leaf_hashes(d[k:])]
        return [*sub(m - k, d[k:], False), root_from_leaf_hashes(d[:k])]

    return sub(m, d, True)


def inclusion_shape(m: int, n: int) -> tuple[str, ...]:
    """Side of each sibling in PATH(m, D[n]), leaf first: all a verifier can see of (m, n)."""
    if n == 1:
        return ()
    k = split(n)
    if m < k:
        return (*inclusion_shape(m, k), "right")
    return (*inclusion_shape(m - k, n - k), "left")


def consistency_shape(m: int, n: int) -> tuple[str, ...]:
    """Role of each hash of PROOF(m, D[n]): the verifier's view of the sizes."""

    def sub(m: int, n: int, b: bool) -> tuple[str, ...]:
        if m == n:
            return () if b else ("seed",)
        k = split(n)
        if m <= k:
            return (*sub(m, k, b), "right")
        return (*sub(m - k, n - k, False), "left")

    return sub(m, n, True)


def leaves(count: int, salt: int = 0) -> list[Hash]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(count)]


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def assert_inclusion_fails(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> None:
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


def assert_consistency_fails(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, proof)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TreeStore]:
    with TreeStore.open(tmp_path / "tree") as s:
        yield s


def build_store(directory: Path, hashes: list[Hash], cuts: list[int]) -> TreeStore:
    """A store holding ``hashes``, appended in the batches given by the cut points."""
    s = TreeStore.open(directory)
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(hashes)), len(hashes)]
    for a, b in itertools.pairwise(bounds):
        s.append_leaf_hashes(hashes[a:b])
    s.flush(fsync=False)
    return s


def level_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("level-*.bin"))}


# --- exhaustive small trees: both stores against the RFC definitions -----------------------------


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_small_trees_match_the_rfc_definitions(kind: str, tmp_path: Path) -> None:
    hashes = leaves(40)
    tree: MemoryTree | TreeStore
    tree = MemoryTree(hashes) if kind == "memory" else build_store(tmp_path, hashes, [3, 17, 18])
    try:
        assert tree.root(0) == EMPTY_ROOT
        for n in range(1, len(hashes) + 1):
            d = hashes[:n]
            root = tree.root(n)
            assert root == root_from_leaf_hashes(d)
            for m in range(n):
                proof = tree.inclusion_proof(m, n)
                assert proof == ref_path(m, d)
                verify_inclusion(d[m], m, n, proof, root)
            for m in range(1, n + 1):
                proof = tree.consistency_proof(m, n)
                assert proof == ref_proof(m, d)
                verify_consistency(m, n, tree.root(m), root, proof)
        assert tree.root() == root_from_leaf_hashes(hashes)
    finally:
        if isinstance(tree, TreeStore):
            tree.close()


def test_hashing_is_rfc_6962() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    # RFC 6962 test data as in the Certificate Transparency reference implementations.
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    h = [leaf_hash(bytes.fromhex(x)) for x in ["", "00", "10", "2021", "3031", "40414243"]]
    assert root_from_leaf_hashes(h[:2]) == node_hash(h[0], h[1])
    assert root_from_leaf_hashes(h[:3]) == node_hash(node_hash(h[0], h[1]), h[2])


# --- random trees: roots and proofs at every historical size --------------------------------------


@settings(SETTINGS, max_examples=5)
@given(
    size=st.integers(1, 300),
    salt=st.integers(0, 2**32),
    cuts=st.lists(st.integers(1, 299), max_size=6),
)
def test_store_matches_reference_at_every_size(
    tmp_path_factory: pytest.TempPathFactory, size: int, salt: int, cuts: list[int]
) -> None:
    hashes = leaves(size, salt)
    directory = tmp_path_factory.mktemp("tree")
    with build_store(directory, hashes, cuts) as s:
        assert s.size == size
        roots = [EMPTY_ROOT] + [root_from_leaf_hashes(hashes[:n]) for n in range(1, size + 1)]
        for n in range(1, size + 1):
            assert s.root(n) == roots[n]
            for m in range(n):
                verify_inclusion(hashes[m], m, n, s.inclusion_proof(m, n), roots[n])
        for n in range(1, size + 1):
            for m in range(1, n + 1):
                verify_consistency(m, n, roots[m], roots[n], s.consistency_proof(m, n))
    # Reopening from disk gives the same tree.
    with TreeStore.open(directory) as again:
        assert again.repairs == []
        assert again.size == size
        assert again.root() == roots[size]
        m = salt % size
        assert again.inclusion_proof(m) == ref_path(m, hashes)
        again.check()


@SETTINGS
@given(
    size=st.integers(1, 300),
    salt=st.integers(0, 2**32),
    cut=st.integers(0, 300),
    batches=st.lists(st.integers(1, 120), max_size=4),
)
def test_truncate_and_reappend_gives_the_same_tree(
    tmp_path_factory: pytest.TempPathFactory, size: int, salt: int, cut: int, batches: list[int]
) -> None:
    hashes = leaves(size, salt)
    cut = min(cut, size)
    directory = tmp_path_factory.mktemp("tree")
    with build_store(directory, hashes, [size // 2]) as s:
        before = level_bytes(directory)
        roots = [s.root(n) for n in range(size + 1)]
        s.truncate(cut)
        assert s.size == cut
        assert s.root() == roots[cut]
        for n in range(cut + 1, size + 1):
            with pytest.raises(ValidationError):
                s.root(n)
        pos = cut
        for b in [*batches, size]:
            s.append_leaf_hashes(hashes[pos : pos + b])
            pos = min(size, pos + b)
        s.flush()
        assert [s.root(n) for n in range(size + 1)] == roots
        s.check()
    assert level_bytes(directory) == before


# --- tampering --------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), size=st.integers(1, 300))
def test_tampered_inclusion_proofs_fail(data: st.DataObject, size: int) -> None:
    hashes = leaves(size)
    tree = MemoryTree(hashes)
    n = data.draw(st.integers(1, size), label="size")
    m = data.draw(st.integers(0, n - 1), label="index")
    proof: list[bytes] = list(tree.inclusion_proof(m, n))
    root, leaf = tree.root(n), hashes[m]
    verify_inclusion(leaf, m, n, proof, root)
    for i, p in enumerate(proof):
        for bit in range(256):
            assert_inclusion_fails(leaf, m, n, [*proof[:i], flip(p, bit), *proof[i + 1 :]], root)
    for bit in range(256):
        assert_inclusion_fails(flip(leaf, bit), m, n, proof, root)
        assert_inclusion_fails(leaf, m, n, proof, flip(root, bit))
    # Dropping, adding or truncating proof hashes.
    for i in range(len(proof)):
        assert_inclusion_fails(leaf, m, n, proof[:i] + proof[i + 1 :], root)
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    for i in range(len(proof) + 1):
        assert_inclusion_fails(leaf, m, n, [*proof[:i], extra, *proof[i:]], root)
    for bad in (leaf[:31], leaf + b"\0", b""):
        assert_inclusion_fails(bad, m, n, proof, root)
        assert_inclusion_fails(leaf, m, n, proof, bad)
        if proof:
            assert_inclusion_fails(leaf, m, n, [bad, *proof[1:]], root)
    # Another index or size: RFC 6962 proofs do not bind the size, so a proof also verifies for
    # any (index, size) whose path has the same shape, and must fail for every other one.
    others = {(m + 1, n), (m - 1, n), (m, n + 1), (m, n - 1), (m, 2 * n), (m ^ 1, n), (n, n)}
    others |= {(m, n + k) for k in range(1, 9)}
    others.add((data.draw(st.integers(-2, 700)), data.draw(st.integers(-2, 700))))
    for m2, n2 in others - {(m, n)}:
        if 0 <= m2 < n2 and inclusion_shape(m2, n2) == inclusion_shape(m, n):
            verify_inclusion(leaf, m2, n2, proof, root)
        else:
            assert_inclusion_fails(leaf, m2, n2, proof, root)


@SETTINGS
@given(data=st.data(), size=st.integers(1, 300))
def test_tampered_consistency_proofs_fail(data: st.DataObject, size: int) -> None:
    tree = MemoryTree(leaves(size))
    n = data.draw(st.integers(1, size), label="new size")
    m = data.draw(st.integers(1, n), label="old size")
    proof: list[bytes] = list(tree.consistency_proof(m, n))
    r1, r2 = tree.root(m), tree.root(n)
    verify_consistency(m, n, r1, r2, proof)
    for i, p in enumerate(proof):
        for bit in range(256):
            assert_consistency_fails(m, n, r1, r2, [*proof[:i], flip(p, bit), *proof[i + 1 :]])
    for bit in range(256):
        assert_consistency_fails(m, n, flip(r1, bit), r2, proof)
        assert_consistency_fails(m, n, r1, flip(r2, bit), proof)
    for i in range(len(proof)):
        assert_consistency_fails(m, n, r1, r2, proof[:i] + proof[i + 1 :])
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    for i in range(len(proof) + 1):
        assert_consistency_fails(m, n, r1, r2, [*proof[:i], extra, *proof[i:]])
    if m != n:
        assert_consistency_fails(m, n, r2, r1, proof)
    for bad in (r1[:31], r1 + b"\0", b""):
        assert_consistency_fails(m, n, bad, r2, proof)
        assert_consistency_fails(m, n, r1, bad, proof)
        if proof:
            assert_consistency_fails(m, n, r1, r2, [bad, *proof[1:]])
    # Other sizes: as for inclusion, the proof verifies exactly for sizes of the same shape.
    others = {(m + 1, n), (m - 1, n), (m, n + 1), (m, n - 1), (0, n), (0, 0), (n, m), (n, n)}
    others |= {(m, n + k) for k in range(1, 9)} | {(2 * m, 2 * n), (m // 2, n)}
    others.add((data.draw(st.integers(-2, 700)), data.draw(st.integers(-2, 700))))
    for m2, n2 in others - {(m, n)}:
        if 0 < m2 <= n2 and consistency_shape(m2, n2) == consistency_shape(m, n):
            verify_consistency(m2, n2, r1, r2, proof)
        else:
            assert_consistency_fails(m2, n2, r1, r2, proof)


def test_verifiers_reject_malformed_arguments() -> None:
    hashes = leaves(5)
    tree = MemoryTree(hashes)
    proof, root = tree.inclusion_proof(2), tree.root()
    verify_inclusion(hashes[2], 2, 5, proof, root)
    for index, size in [(5, 5), (-1, 5), (2, 0), (0, 0), (2, -5)]:
        assert_inclusion_fails(hashes[2], index, size, list(proof), root)
    with pytest.raises(ProofError, match="not an integer"):
        verify_inclusion(hashes[2], True, 5, proof, root)
    with pytest.raises(ProofError, match="not bytes"):
        verify_inclusion(hashes[2], 2, 5, [*proof[:-1], "x" * 32], root)  # type: ignore[list-item]
    r3 = tree.root(3)
    cproof = tree.consistency_proof(3)
    verify_consistency(3, 5, r3, root, cproof)
    verify_consistency(5, 5, root, root, [])
    assert_consistency_fails(5, 5, root, root, [root])
    assert_consistency_fails(5, 5, root, r3, [])
    assert_consistency_fails(0, 5, EMPTY_ROOT, root, [])
    assert_consistency_fails(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert_consistency_fails(5, 3, root, r3, list(cproof))
    assert_consistency_fails(3, 5, r3, root, [])
    assert_consistency_fails(-3, 5, r3, root, list(cproof))


# --- store behaviour ----------------------------------------------------------------------------


def test_empty_store(store: TreeStore) -> None:
    assert store.size == 0
    assert store.root() == EMPTY_ROOT
    assert store.level_size(0) == 0
    assert store.read_hashes(0, 0, 0) == []
    store.append_leaf_hashes([])
    store.check()
    with pytest.raises(ValidationError):
        store.inclusion_proof(0)
    with pytest.raises(ValidationError):
        store.consistency_proof(0, 0)
    with pytest.raises(ValidationError):
        store.node(0, 0)
    assert (store.path / "level-00.bin").is_file()


def test_store_arguments_are_checked(store: TreeStore) -> None:
    hashes = leaves(10)
    store.append_leaf_hashes(hashes)
    for bad in ([b"short"], [hashes[0] + b"x"], ["x" * 32]):
        with pytest.raises(ValidationError):
            store.append_leaf_hashes(bad)  # type: ignore[arg-type]
    assert store.size == 10
    for call in (
        lambda: store.root(11),
        lambda: store.root(-1),
        lambda: store.inclusion_proof(10),
        lambda: store.inclusion_proof(5, 5),
        lambda: store.inclusion_proof(-1),
        lambda: store.consistency_proof(0, 5),
        lambda: store.consistency_proof(6, 5),
        lambda: store.consistency_proof(1, 11),
        lambda: store.node(1, 5),
        lambda: store.node(-1, 0),
        lambda: store.read_hashes(1, 4, 2),
        lambda: store.read_hashes(0, -1, 2),
        lambda: store.truncate(11),
    ):
        with pytest.raises(ValidationError):
            call()
    assert store.consistency_proof(10) == []


def test_levels_are_the_complete_subtrees(store: TreeStore) -> None:
    hashes = leaves(1000)
    store.append_leaf_hashes(hashes[:1])
    store.append_leaf_hashes(hashes[1:700])
    store.append_leaf_hashes(hashes[700:])
    store.flush()
    for level in range(10):
        assert store.level_size(level) == 1000 >> level
        size = (store.path / f"level-{level:02d}.bin").stat().st_size
        assert size == 32 * (1000 >> level)
    assert store.level_size(10) == 0
    assert not (store.path / "level-10.bin").exists()
    for level, index in [(0, 999), (3, 17), (8, 2), (9, 0)]:
        block = hashes[index << level : (index + 1) << level]
        assert store.node(level, index) == root_from_leaf_hashes(block)
    # A tlog-tiles tile: 256 consecutive hashes of one level.
    tile = store.read_hashes(0, 256, 256)
    assert tile == hashes[256:512]
    assert store.read_hashes(2, 10, 5) == [store.node(2, i) for i in range(10, 15)]


def test_large_store_across_chunk_boundaries(tmp_path: Path) -> None:
    """More hashes than one streaming chunk (65,536), so repair and check read in pieces."""
    hashes = leaves(140_000)
    directory = tmp_path / "tree"
    with TreeStore.open(directory) as s:
        for start in range(0, len(hashes), 50_000):
            s.append_leaf_hashes(hashes[start : start + 50_000])
        s.flush()
        root = s.root()
        old_root = s.root(100_001)
        s.check()
    (directory / "level-01.bin").unlink()
    os.truncate(directory / "level-02.bin", 32 * 1000 + 7)
    with TreeStore.open(directory) as s:
        assert len(s.repairs) >= 2
        assert s.root() == root
        verify_consistency(100_001, 140_000, old_root, root, s.consistency_proof(100_001))
        verify_inclusion(hashes[123_457], 123_457, 140_000, s.inclusion_proof(123_457), root)
        s.check()
        path = directory / "level-01.bin"
        with path.open("r+b") as f:
            f.seek(32 * 69_999 + 5)
            byte = f.read(1)
            f.seek(32 * 69_999 + 5)
            f.write(bytes([byte[0] ^ 0x40]))
        with pytest.raises(StorageError) as err:
            s.check()
        assert err.value.index == 69_999 * 2
        assert "level 1 hash 69999" in str(err.value)


# --- crashes ------------------------------------------------------------------------------------


def reference_files(tmp_path: Path, hashes: list[Hash]) -> dict[str, bytes]:
    directory = tmp_path / "reference"
    with build_store(directory, hashes, []):
        pass
    return level_bytes(directory)


@pytest.mark.parametrize("size", [1, 2, 3, 77, 256, 300])
def test_torn_record_is_dropped_on_open(tmp_path: Path, size: int) -> None:
    hashes = leaves(size)
    directory = tmp_path / "tree"
    with build_store(directory, hashes, []):
        pass
    want = level_bytes(directory)
    # A crash in the middle of appending: part of a leaf, and part of a parent.
    with (directory / "level-00.bin").open("ab") as f:
        f.write(b"\x01" * 13)
    if size >= 4:
        with (directory / "level-02.bin").open("ab") as f:
            f.write(b"\x02" * 31)
    with TreeStore.open(directory) as s:
        assert s.repairs
        assert s.size == size
        assert s.root() == root_from_leaf_hashes(hashes)
        s.check()
    assert level_bytes(directory) == want


@pytest.mark.parametrize("size", [2, 5, 64, 255, 300])
def test_missing_parents_are_recomputed_on_open(tmp_path: Path, size: int) -> None:
    hashes = leaves(size)
    want = reference_files(tmp_path, hashes)
    directory = tmp_path / "tree"
    with build_store(directory, hashes, []):
        pass
    # A crash after the leaves were written but before (all) their parents were.
    for name in sorted(want)[1:]:
        level = int(name[6:8])
        keep = max(0, (size >> level) - 3)
        os.truncate(directory / name, 32 * keep + (5 if keep else 0))
    top = sorted(want)[-1]
    if top != "level-00.bin":
        (directory / top).unlink()
    with TreeStore.open(directory) as s:
        assert s.repairs
        assert s.root() == root_from_leaf_hashes(hashes)
        s.check()
    assert level_bytes(directory) == want
    with TreeStore.open(directory) as s:
        assert s.repairs == []


@pytest.mark.parametrize(("size", "leaves_left"), [(300, 299), (300, 256), (64, 3), (9, 0)])
def test_parents_beyond_the_leaves_are_dropped_on_open(
    tmp_path: Path, size: int, leaves_left: int
) -> None:
    """A crash in the middle of truncate (level 0 cut, upper levels not yet)."""
    hashes = leaves(size)
    directory = tmp_path / "tree"
    with build_store(directory, hashes, []):
        pass
    os.truncate(directory / "level-00.bin", 32 * leaves_left)
    with TreeStore.open(directory) as s:
        assert s.repairs
        assert s.size == leaves_left
        assert s.root() == root_from_leaf_hashes(hashes[:leaves_left])
        s.check()
        s.append_leaf_hashes(hashes[leaves_left:])
        assert s.root() == root_from_leaf_hashes(hashes)
        s.check()


def test_stray_level_files_are_emptied(tmp_path: Path) -> None:
    hashes = leaves(10)
    directory = tmp_path / "tree"
    with build_store(directory, hashes, []):
        pass
    (directory / "level-07.bin").write_bytes(b"\x07" * 64)
    (directory / "notes.txt").write_text("not a level file", encoding="utf-8")
    with TreeStore.open(directory) as s:
        assert s.repairs
        assert s.level_size(7) == 0
        assert s.root() == root_from_leaf_hashes(hashes)
        s.check()
    assert (directory / "level-07.bin").stat().st_size == 0


FAILING_WRITE = textwrap.dedent(
    """
    import json, resource, signal, sys
    from pathlib import Path
    from truce.errors import StorageError
    from truce.ledger.merkle import TreeStore, leaf_hash, root_from_leaf_hashes

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # exceeding the limit: EFBIG, not a signal
    hashes = [leaf_hash(str(i).encode()) for i in range(2000)]
    out = {}
    with TreeStore.open(Path(sys.argv[1])) as s:
        s.append_leaf_hashes(hashes[:1000])
        # The next batch can only be half written before the file size limit.
        resource.setrlimit(resource.RLIMIT_FSIZE, (32 * 1500 + 7, resource.RLIM_INFINITY))
        try:
            s.append_leaf_hashes(hashes[1000:])
        except OSError as e:
            out["errno"] = e.errno
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
        out["size_after_failure"] = s.size
        out["root_ok"] = s.root() == root_from_leaf_hashes(hashes[:1000])
        s.check()
        s.append_leaf_hashes(hashes[1000:])
        out["root_after_retry_ok"] = s.root() == root_from_leaf_hashes(hashes)
        s.check()
    print(json.dumps(out))
    """
)


def test_a_failed_write_is_rolled_back(tmp_path: Path) -> None:
    """A real short write (file size limit, in a child process): the batch is undone."""
    result = subprocess.run(
        [sys.executable, "-c", FAILING_WRITE, str(tmp_path / "tree")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out == {
        "errno": 27,  # EFBIG
        "size_after_failure": 1000,
        "root_ok": True,
        "root_after_retry_ok": True,
    }
    with TreeStore.open(tmp_path / "tree") as s:
        assert s.repairs == []
        assert s.size == 2000


# --- check ---------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), size=st.integers(2, 300))
def test_check_finds_a_flipped_byte_in_a_parent(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, size: int
) -> None:
    directory = tmp_path_factory.mktemp("tree")
    with build_store(directory, leaves(size), []) as s:
        s.check()
        level = data.draw(st.integers(1, size.bit_length() - 1), label="level")
        index = data.draw(st.integers(0, (size >> level) - 1), label="index")
        offset = data.draw(st.integers(0, 31), label="byte")
        path = directory / f"level-{level:02d}.bin"
        raw = bytearray(path.read_bytes())
        raw[32 * index + offset] ^= data.draw(st.integers(1, 255), label="xor")
        path.write_bytes(bytes(raw))
        with pytest.raises(StorageError) as err:
            s.check()
    # Levels are checked bottom up, so the damaged hash is the first mismatch found.
    assert f"level {level} hash {index} " in str(err.value)
    assert err.value.index == index << level


def test_check_finds_a_file_changed_underneath(store: TreeStore) -> None:
    store.append_leaf_hashes(leaves(20))
    store.flush()
    with (store.path / "level-02.bin").open("ab") as f:
        f.write(b"\0" * 32)
    with pytest.raises(StorageError, match="level 2 file"):
        store.check()
