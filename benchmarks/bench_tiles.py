"""Tiles benchmark (issue 20): a client proving one leaf's inclusion in a large log served from
C2SP tlog-tiles fetches how many tiles?

The log is a Merkle tree of 10,000,000 leaf hashes (1,000,000 with ``--quick``) in truce's own
tree store, served tile by tile exactly as ``truce serve`` builds them (``tiles.tile_bytes`` over
the stored tree, behind a counting source). For 200 indices spread over the log, a fresh client
(an empty tile cache, as ``truce.ledger.tiles.TileReader`` starts) computes the inclusion proof
from the tiles; each proof is checked against the checkpoint's root. Goal from the issue: at most
4 tiles per proof; a fresh client fetches the right edge's partial tiles too (the same for every
proof of one checkpoint, and the ones it fetches to check the root), so the count once the root
is verified is reported as well. Also reported: proofs per second from tiles (one core), against
the same proofs computed from the tree store itself (the baseline, measured in the same run).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ledger import ORIGIN
from benchmarks.harness import Baseline, Result
from truce.ledger.merkle import Hash, TreeStore, verify_inclusion
from truce.ledger.note import Checkpoint
from truce.ledger.tiles import TileReader, TileSource, parse_path, tile_bytes

SAMPLES = 200


class _Served(TileSource):
    """The tree's hash tiles as the server answers them, counting each fetch."""

    def __init__(self, tree: TreeStore) -> None:
        self.tree = tree
        self.location = "tree store"
        self.fetched = 0

    def fetch(self, path: str) -> bytes:
        self.fetched += 1
        return tile_bytes(self.tree, parse_path(path))


def _leaf(index: int) -> Hash:
    return Hash(hashlib.sha256(index.to_bytes(8, "big")).digest())


def _tree(directory: Path, size: int) -> TreeStore:
    tree = TreeStore.open(directory / "tree")
    step = 65_536
    for i in range(0, size, step):
        stop = min(size, i + step)
        tree.append_leaf_hashes([_leaf(j) for j in range(i, stop)])
    return tree


def run(quick: bool) -> list[Result]:
    size = 1_000_000 if quick else 10_000_000
    workdir = Path(tempfile.mkdtemp(prefix="truce-bench-tiles-"))
    try:
        with _tree(workdir, size) as tree:
            checkpoint = Checkpoint(ORIGIN, size, tree.root())
            indices = [(k * 7_919_993) % size for k in range(SAMPLES)]
            counts: list[int] = []
            started = time.perf_counter()
            for index in indices:
                source = _Served(tree)
                proof = TileReader(source, checkpoint).inclusion_proof(index)
                counts.append(source.fetched)
                verify_inclusion(_leaf(index), index, size, proof, checkpoint.root)
            from_tiles = SAMPLES / (time.perf_counter() - started)
            # A client that first checked the root from the tiles (the right edge's partial
            # tiles, the same for every proof of this checkpoint) then needs only the path's.
            after_root: list[int] = []
            for index in indices:
                source = _Served(tree)
                reader = TileReader(source, checkpoint)
                reader.verify_root()
                source.fetched = 0
                verify_inclusion(
                    _leaf(index), index, size, reader.inclusion_proof(index), checkpoint.root
                )
                after_root.append(source.fetched)
            started = time.perf_counter()
            for index in indices:
                tree.inclusion_proof(index, size)
            direct = SAMPLES / (time.perf_counter() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    worst = max(counts)
    base = Baseline("tree_store.inclusion_proof", round(direct, 1), "proofs/s")
    return [
        Result("tiles.inclusion_proof.tiles", worst, "tiles",
               {"entries": size, "samples": SAMPLES, "mean": round(sum(counts) / SAMPLES, 2)},
               goal="<= 4 tiles per inclusion proof, fresh client", met=worst <= 4,
               notes="hash tiles a client with an empty cache fetches to prove one leaf's "
                     "inclusion (the leaf's own entry bundle, if it wants the entry, is one more); "
                     "each proof checked against the root"),
        Result("tiles.inclusion_proof.tiles_after_root", max(after_root), "tiles",
               {"entries": size, "samples": SAMPLES, "mean": round(sum(after_root) / SAMPLES, 2)},
               goal="<= 4 tiles per inclusion proof once the root is verified",
               met=max(after_root) <= 4,
               notes="the client first verified the checkpoint's root from the tiles (the right "
                     "edge's partial tiles, fetched once per checkpoint); then one proof"),
        Result("tiles.inclusion_proof.rate", round(from_tiles, 1), "proofs/s",
               {"entries": size, "cores": 1}, base, round(from_tiles / direct, 3),
               notes="fresh client per proof, tiles built as the server builds them"),
    ]  # fmt: skip
